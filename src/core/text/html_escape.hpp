// Text for an HTML text node or a quoted attribute value (pure): & < > " ' as character
// references, NUL dropped (a parse error in HTML). Every page the project writes uses it.
#pragma once

#include <string>
#include <string_view>

namespace layer7::core {

std::string html_escape(std::string_view text);

}  // namespace layer7::core
