// The DASH demo of `layer7 up` ([dash] in the config): a page playing a presentation with dash.js
// (served from the demo site, copied from the copy tools/setup.sh fetched from npm — never a CDN),
// and a test pattern made by ffmpeg into the site at first start, in the background (the page says
// "not ready yet" until it is there).
#pragma once

#include <memory>
#include <string>

#include "core/config/config.hpp"
#include "core/service.hpp"

namespace layer7::demo {

struct DashConfig {
    bool enabled = false;
    std::string www;           // the demo site's root (DATA/www)
    std::string dashjs;        // dash.all.min.js to serve; "" = the vendored copy
    double test_pattern = 60;  // seconds; 0 = make none
    std::string http_address;  // for the table row: "127.0.0.1:8080"
};

DashConfig parse_dash_config(core::Section section, const std::string& data_dir);
std::unique_ptr<core::Service> make_dash_service(const DashConfig& config);

}  // namespace layer7::demo
