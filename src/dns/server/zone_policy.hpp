// The dynamic-zone settings of [dns] and `layer7 dns serve`, from their text forms: TSIG keys
// ("[ALG:]NAME:SECRET" and tsig-keygen key files), update grants ("ORIGIN=KEY [NAME…] [TYPE…]": the
// key may change those names and the names below them, those types; none listed: any), NOTIFY
// targets ("ADDR[:PORT]", port 53 by default) and followed zones ("ORIGIN=ADDR[:PORT]").
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/net/asio.hpp"
#include "core/result.hpp"
#include "dns/authority/update.hpp"
#include "dns/tsig/tsig.hpp"

namespace layer7::dns {

struct DynamicSettings {
    std::vector<std::string> keys, key_files, allow_update, notify, secondaries;
    std::string transfer_key, primary_key;  // key names; empty: none
};

struct DynamicPolicy {
    std::vector<TsigKey> keys;
    std::map<Name, std::vector<UpdateGrant>, CanonicalLess> grants;
    std::vector<asio::ip::udp::endpoint> notify;
    std::vector<std::pair<Name, asio::ip::udp::endpoint>> secondaries;
    std::optional<Name> transfer_key, primary_key;
    const TsigKey* key(const Name& name) const;  // null when not among `keys`
};

// Reads the key files too; the error names the setting and the value at fault.
core::Result<DynamicPolicy, std::string> parse_dynamic(const DynamicSettings& settings);
// "ADDR[:PORT]" with an IP literal; nullopt otherwise.
std::optional<asio::ip::udp::endpoint> parse_endpoint(std::string_view text, std::uint16_t default_port = 53);

}  // namespace layer7::dns
