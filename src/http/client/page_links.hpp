// The objects an HTML page references — img/script src, link href, as a browser fetches them
// after the base page (the textbook's "base HTML file + 10 JPEG images"). Pure, lenient.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace layer7::http::client {

// src of <img>, <script>, <source>, <audio>, <video>, <embed>; href of <link>. In page order,
// duplicates and data:/javascript: references removed; HTML comments skipped.
std::vector<std::string> page_links(std::string_view html);

}  // namespace layer7::http::client
