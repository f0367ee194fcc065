// The stylesheet and the script of `audit --html`, compiled into billet so that the page needs
// nothing besides itself. They live in their own sources to be read and reviewed as CSS and JS;
// output_html.cc writes the markup they style and drive.
#pragma once

#include <string_view>

namespace billet::cli {

std::string_view htmlReportStyle();   // html_report_style.cc
std::string_view htmlReportScript();  // html_report_script.cc

}  // namespace billet::cli
