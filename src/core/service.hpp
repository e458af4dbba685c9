// Service: what `layer7 up` starts — one protocol built from its config section.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace layer7::core {

class Runtime;

// One line of the table `layer7 up` prints.
struct ServiceRow {
    std::string service;  // "echo/tcp"
    std::string address;  // "127.0.0.1:12000"
    std::string try_it;   // a command that exercises it
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
};

}  // namespace layer7::core
