# Writes cli/version_info.h for `billet version`: run at every build (cli/CMakeLists.txt), not only
# when CMake configures, so that a long-lived build tree names the commit it was built from.
# The header is rewritten only when its text changes, so an unchanged commit recompiles nothing.
#
#   cmake -DROOT=<source root> -DIN=<version_info.h.in> -DOUT=<header> -DBILLET_VERSION=...
#         -DCMAKE_BUILD_TYPE=... -DBILLET_COMPILER=... [-DGIT=<git>] -P version_info.cmake
#
# Outside a git checkout of billet itself (a source tarball) the commit is "unknown";
# SOURCE_DATE_EPOCH, when set, fixes the date for reproducible builds.
set(BILLET_COMMIT unknown)
if(GIT)
  execute_process(COMMAND ${GIT} rev-parse --show-toplevel --short=12 HEAD
                  WORKING_DIRECTORY ${ROOT} OUTPUT_VARIABLE _git_out RESULT_VARIABLE _git_rc
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(_git_rc EQUAL 0)
    string(REPLACE "\n" ";" _git_lines "${_git_out}")
    list(GET _git_lines 0 _git_top)
    list(GET _git_lines 1 _git_commit)
    get_filename_component(_git_top "${_git_top}" REALPATH)
    get_filename_component(_root "${ROOT}" REALPATH)
    if(_git_top STREQUAL _root)
      set(BILLET_COMMIT ${_git_commit})
      execute_process(COMMAND ${GIT} status --porcelain --untracked-files=no
                      WORKING_DIRECTORY ${ROOT} OUTPUT_VARIABLE _git_dirty ERROR_QUIET)
      if(_git_dirty)
        string(APPEND BILLET_COMMIT "-dirty")
      endif()
    endif()
  endif()
endif()
string(TIMESTAMP BILLET_BUILD_DATE "%Y-%m-%d" UTC)
configure_file(${IN} ${OUT} @ONLY)
