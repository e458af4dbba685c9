// The textbook's web page: "a base HTML file that references ten JPEG images" (www.someschool.edu),
// generated so `layer7 up` serves it at once: the cli hands web_site() to [http], which writes the
// files into DATA/www.
#pragma once

#include <string>
#include <vector>

#include "http/server/service.hpp"

namespace layer7::demo {

// someDepartment/index.html (the base page, at base_page), ten small PNG images under images/,
// a form page for /echo and the chat page. The site's "/" is the home page (http/server/home_page.hpp).
std::vector<http::DemoFile> site_files();
inline constexpr const char* base_page = "/someDepartment/";
// The Link values that let a browser fetch the page's images while it still waits for the page
// (103 Early Hints): "</images/pic01.png>; rel=preload; as=image", ... for site_files().
std::vector<std::string> preload_links(const std::vector<http::DemoFile>& files);
// The CGI directory's demo: pageexec, the textbook's form example (a GET query and a POST body
// read by a program that answers HTML), in POSIX sh and awk.
std::vector<http::DemoFile> cgi_scripts();
// All of the above, with the home page's links to the site's pages, for [http] (ServerConfig::demo).
http::DemoSite web_site();

}  // namespace layer7::demo
