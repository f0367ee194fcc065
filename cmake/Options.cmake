# Warning and sanitizer option targets, linked PRIVATE by every billet target.
add_library(billet_warnings INTERFACE)
target_compile_options(billet_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual -Wimplicit-fallthrough)
if(BILLET_WERROR)
  target_compile_options(billet_warnings INTERFACE -Werror)
endif()

if(BILLET_SANITIZE AND BILLET_TSAN)
  message(FATAL_ERROR "BILLET_SANITIZE and BILLET_TSAN cannot share a build directory")
endif()

# BILLET_SANITIZE: AddressSanitizer + UndefinedBehaviorSanitizer. -fno-sanitize-recover=all makes
# undefined behaviour fatal, so it fails the test instead of scrolling by in its log.
# BILLET_TSAN: ThreadSanitizer, for the server's concurrency tests.
add_library(billet_sanitizers INTERFACE)
set(billet_sanitizer_flags)
if(BILLET_SANITIZE)
  set(billet_sanitizer_flags -fsanitize=address,undefined -fno-sanitize-recover=all)
  target_compile_definitions(billet_sanitizers INTERFACE BILLET_ASAN)
elseif(BILLET_TSAN)
  set(billet_sanitizer_flags -fsanitize=thread)
  target_compile_definitions(billet_sanitizers INTERFACE BILLET_TSAN
    BILLET_TSAN_SUPPRESSIONS="${CMAKE_CURRENT_SOURCE_DIR}/cmake/tsan.supp")
endif()
if(billet_sanitizer_flags)
  target_compile_options(billet_sanitizers INTERFACE ${billet_sanitizer_flags}
                                                     -fno-omit-frame-pointer)
  target_link_options(billet_sanitizers INTERFACE ${billet_sanitizer_flags})
  # Every executable carries the sanitizers' default options (halt on the first report).
  set(options_source ${CMAKE_CURRENT_SOURCE_DIR}/cmake/sanitizer_options.cc)
  target_sources(billet_sanitizers INTERFACE
    $<$<STREQUAL:$<TARGET_PROPERTY:TYPE>,EXECUTABLE>:${options_source}>)
  # Benchmarks measure nothing under a sanitizer: a sanitizer build skips them.
  set(BILLET_BENCH OFF)
endif()

# The allocator. Requests allocate and free many small JSON nodes; glibc malloc slows down as the
# heap fragments (a large policy set loaded beside the request path costs ~13% on the sample
# review), tcmalloc's per-thread caches do not. Off under the sanitizers, which bring their own.
add_library(billet_allocator INTERFACE)
if(BILLET_TCMALLOC AND NOT billet_sanitizer_flags)
  find_library(BILLET_TCMALLOC_LIB NAMES tcmalloc_minimal REQUIRED)
  target_link_libraries(billet_allocator INTERFACE ${BILLET_TCMALLOC_LIB})
endif()

# BILLET_PGO: profile-guided optimization, the release build's two phases
# (scripts/build-release.sh runs both). `generate` instruments every object: the runs of the
# binaries built from them add their counts to a .gcda file beside each object. `use` compiles
# again in the same directory with those counts; what the training never ran is compiled as
# without them (-fprofile-partial-training), not as cold code.
set(BILLET_PGO "" CACHE STRING "Profile-guided optimization phase: generate, use, or empty")
if(BILLET_PGO STREQUAL "generate")
  if(billet_sanitizer_flags)
    message(FATAL_ERROR "BILLET_PGO and the sanitizers cannot share a build directory")
  endif()
  add_compile_options(-fprofile-generate -fprofile-update=atomic)
  add_link_options(-fprofile-generate)
elseif(BILLET_PGO STREQUAL "use")
  add_compile_options(-fprofile-use -fprofile-partial-training -Wno-missing-profile)
elseif(BILLET_PGO)
  message(FATAL_ERROR "BILLET_PGO is generate, use or empty, not '${BILLET_PGO}'")
endif()

# Debug information is written compressed (-gz, zlib): RelWithDebInfo's DWARF is most of a build
# directory (about 3 GB for build/ with its tests and benchmarks; a third of that compressed),
# and a test run holds three such directories beside the release build. gdb, valgrind and the
# sanitizers' symbolizer read compressed sections.
include(CheckCXXCompilerFlag)
include(CheckLinkerFlag)
check_cxx_compiler_flag(-gz BILLET_COMPILER_GZ)
check_linker_flag(CXX -gz BILLET_LINKER_GZ)
if(BILLET_COMPILER_GZ AND BILLET_LINKER_GZ)
  add_compile_options(-gz)
  add_link_options(-gz)
endif()
