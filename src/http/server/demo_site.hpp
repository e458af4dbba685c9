// The textbook's web page: "a base HTML file that references ten JPEG images" (www.someschool.edu),
// generated so `layer7 up` serves it at once. Pure: returns files, the caller writes them.
#pragma once

#include <string>
#include <vector>

namespace layer7::http {

struct DemoFile {
    std::string path;     // relative to the site root, e.g. "images/pic03.png"
    std::string content;
    bool executable = false;  // a CGI script
};

// someDepartment/index.html (the base page, at demo_base_page), ten small PNG images under images/,
// a form page for /echo and the chat page. The site's "/" is the home page (home_page.hpp).
std::vector<DemoFile> demo_site();
inline constexpr const char* demo_base_page = "/someDepartment/";
// The Link values that let a browser fetch the page's images while it still waits for the page
// (103 Early Hints): "</images/pic01.png>; rel=preload; as=image", ...
std::vector<std::string> demo_preload_links();
// The CGI directory's demo: pageexec, the textbook's form example (a GET query and a POST body
// read by a program that answers HTML), in POSIX sh and awk.
std::vector<DemoFile> demo_cgi_scripts();

}  // namespace layer7::http
