# Warning and sanitizer option targets, linked PRIVATE by every billet target.
add_library(billet_warnings INTERFACE)
target_compile_options(billet_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual -Wimplicit-fallthrough)
if(BILLET_WERROR)
  target_compile_options(billet_warnings INTERFACE -Werror)
endif()

add_library(billet_sanitizers INTERFACE)
if(BILLET_SANITIZE)
  target_compile_options(billet_sanitizers INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer)
  target_link_options(billet_sanitizers INTERFACE -fsanitize=address,undefined)
endif()

# The allocator. Requests allocate and free many small JSON nodes; glibc malloc slows down as the
# heap fragments (a large policy set loaded beside the request path costs ~13% on the sample
# review), tcmalloc's per-thread caches do not. Off under the sanitizers, which bring their own.
add_library(billet_allocator INTERFACE)
if(BILLET_TCMALLOC AND NOT BILLET_SANITIZE)
  find_library(BILLET_TCMALLOC_LIB NAMES tcmalloc_minimal REQUIRED)
  target_link_libraries(billet_allocator INTERFACE ${BILLET_TCMALLOC_LIB})
endif()
