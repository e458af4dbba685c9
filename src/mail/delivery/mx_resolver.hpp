// MxResolver: the narrow interface through which delivery asks DNS for MX and address records
// (DESIGN.md §1). make_system_resolver() answers with libresolv (res_nquery), either through the
// system's /etc/resolv.conf or one given server (e.g. layer7's own resolver on 127.0.0.1:5335).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/text/host_port.hpp"
#include "mail/delivery/route.hpp"

namespace layer7::delivery {

enum class LookupStatus {
    ok,
    no_data,    // the name exists, without records of that type (NOERROR/NODATA)
    no_domain,  // NXDOMAIN: permanent
    temporary,  // SERVFAIL, timeout, no server: try later
};

struct MxAnswer {
    LookupStatus status = LookupStatus::temporary;
    std::vector<MxHost> hosts;
};

struct AddressAnswer {
    LookupStatus status = LookupStatus::temporary;
    std::vector<std::string> addresses;  // IP literals, IPv4 first
};

class MxResolver {
public:
    virtual ~MxResolver() = default;
    // Both block: the delivery agent calls them on its worker pool, never on an event loop.
    virtual MxAnswer mx(const std::string& domain) = 0;
    virtual AddressAnswer addresses(const std::string& host) = 0;
};

// libresolv; with `server`, every query goes to that one server (IPv4, any port).
std::unique_ptr<MxResolver> make_system_resolver(std::optional<core::HostPort> server = {});

}  // namespace layer7::delivery
