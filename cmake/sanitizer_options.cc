// Default options of the sanitizers, compiled into every billet executable of a sanitizer build
// (BILLET_SANITIZE, BILLET_TSAN), so that ctest, the test scripts and the servers the end-to-end
// tests start all fail on the first report without anyone exporting *SAN_OPTIONS. An option set
// in the environment still wins.

extern "C" {

#if defined(__SANITIZE_ADDRESS__) || defined(BILLET_ASAN)
// A report stops the process with a non-zero status; leaks are errors too.
const char* __asan_default_options() {
  return "halt_on_error=1:abort_on_error=0:detect_leaks=1:detect_stack_use_after_return=1:"
         "strict_init_order=1:check_initialization_order=1";
}
const char* __lsan_default_options() {
  return "report_objects=0";
}
// -fno-sanitize-recover=all already makes undefined behaviour fatal; the stack says where.
const char* __ubsan_default_options() {
  return "halt_on_error=1:print_stacktrace=1";
}
#endif

#if defined(__SANITIZE_THREAD__) || defined(BILLET_TSAN)
// A data race or lock-order inversion fails the test; both stacks of a deadlock are printed.
// BILLET_TSAN_SUPPRESSIONS names the file of known false positives in uninstrumented libraries.
const char* __tsan_default_options() {
  return "halt_on_error=1:second_deadlock_stack=1:exitcode=66"
#ifdef BILLET_TSAN_SUPPRESSIONS
         ":suppressions=" BILLET_TSAN_SUPPRESSIONS
#endif
      ;
}
#endif

}  // extern "C"
