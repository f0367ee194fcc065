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
