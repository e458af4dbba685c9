// Service: what `layer7 up` starts — one protocol built from its config section.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace layer7::core {

class Runtime;

// One line of the table `layer7 up` prints.
struct ServiceRow {
    ServiceRow(std::string service_, std::string address_, std::string try_it_, std::string link_ = {})
        : service(std::move(service_)), address(std::move(address_)), try_it(std::move(try_it_)), link(std::move(link_))
    {
    }
    std::string service;  // "echo/tcp"
    std::string address;  // "127.0.0.1:12000"
    std::string try_it;   // a command that exercises it
    std::string link;     // a page to open in a browser, if it has one ("http://127.0.0.1:8080/")
};

// A start-up failure (port in use, unreadable file): one line for the user, no stack.
struct StartError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Service {
public:
    virtual ~Service() = default;
    // Opens the listeners on `runtime`; throws StartError.
    virtual std::vector<ServiceRow> start(Runtime& runtime) = 0;
    // Once every service of the run has started: all their rows (the home page lists them).
    virtual void on_started(const std::vector<ServiceRow>& /*all*/) {}
};

}  // namespace layer7::core
