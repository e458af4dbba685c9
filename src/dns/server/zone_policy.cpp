// The dynamic-zone settings: see zone_policy.hpp.
#include "dns/server/zone_policy.hpp"

#include <sstream>

#include "core/config/config.hpp"

namespace layer7::dns {

const TsigKey* DynamicPolicy::key(const Name& name) const
{
    for (const auto& k : keys)
        if (k.name == name)
            return &k;
    return nullptr;
}

std::optional<asio::ip::udp::endpoint> parse_endpoint(std::string_view text, std::uint16_t default_port)
{
    std::string host(text);
    std::uint16_t port = default_port;
    const auto colon = host.rfind(':');
    const bool bracketed = !host.empty() && host.front() == '[';
    if (colon != std::string::npos && (bracketed ? host[colon - 1] == ']' : host.find(':') == colon)) {
        try {
            const unsigned long p = std::stoul(host.substr(colon + 1));
            if (p == 0 || p > 65535)
                return std::nullopt;
            port = static_cast<std::uint16_t>(p);
        } catch (const std::exception&) {
            return std::nullopt;
        }
        host.resize(colon);
    }
    if (bracketed && host.size() >= 2 && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    std::error_code ec;
    const auto address = asio::ip::make_address(host, ec);
    if (ec)
        return std::nullopt;
    return asio::ip::udp::endpoint(address, port);
}

core::Result<DynamicPolicy, std::string> parse_dynamic(const DynamicSettings& s)
{
    DynamicPolicy p;
    for (const auto& spec : s.keys) {
        auto key = parse_tsig_key(spec);
        if (!key)
            return core::fail("keys: " + key.error());
        p.keys.push_back(std::move(key).value());
    }
    for (const auto& file : s.key_files) {
        auto text = core::read_text_file(file);
        if (!text)
            return core::fail("key_files: cannot read " + file);
        auto keys = parse_key_file(*text);
        if (!keys)
            return core::fail("key_files: " + file + ": " + keys.error());
        for (auto& k : keys.value())
            p.keys.push_back(std::move(k));
    }
    auto known_key = [&](const std::string& setting, const std::string& text) -> core::Result<Name, std::string> {
        auto name = Name::parse(text);
        if (!name || !p.key(name.value()))
            return core::fail(setting + ": no key named '" + text + "' (give it with keys or key_files)");
        return name.value();
    };
    for (const auto& spec : s.allow_update) {
        const auto eq = spec.find('=');
        auto origin = eq == std::string::npos ? Name::parse("") : Name::parse(spec.substr(0, eq));
        if (eq == std::string::npos || !origin)
            return core::fail("allow_update: '" + spec + "' is not ORIGIN=KEY [NAME…] [TYPE…]");
        std::istringstream words(spec.substr(eq + 1));
        std::string word;
        words >> word;
        auto key = known_key("allow_update", word);
        if (!key)
            return core::fail(key.error());
        UpdateGrant grant{key.value(), {}, {}};
        while (words >> word) {
            if (auto type = parse_type(word)) {
                grant.types.push_back(*type);
            } else if (auto name = Name::parse(word, origin.value());
                       name && name.value().is_subdomain_of(origin.value())) {
                grant.names.push_back(name.value());
            } else {
                return core::fail("allow_update: '" + word + "' is neither a type nor a name in " +
                                  origin.value().to_text());
            }
        }
        p.grants[origin.value()].push_back(std::move(grant));
    }
    for (const auto& text : s.notify) {
        auto endpoint = parse_endpoint(text);
        if (!endpoint)
            return core::fail("notify: '" + text + "' is not ADDR[:PORT]");
        p.notify.push_back(*endpoint);
    }
    for (const auto& spec : s.secondaries) {
        const auto eq = spec.find('=');
        auto origin = eq == std::string::npos ? Name::parse("") : Name::parse(spec.substr(0, eq));
        auto primary = eq == std::string::npos ? std::nullopt : parse_endpoint(spec.substr(eq + 1));
        if (!origin || !primary)
            return core::fail("secondary: '" + spec + "' is not ORIGIN=PRIMARY[:PORT]");
        p.secondaries.emplace_back(origin.value(), *primary);
    }
    for (auto [setting, text, out] : {std::tuple{"transfer_key", &s.transfer_key, &p.transfer_key},
                                      std::tuple{"primary_key", &s.primary_key, &p.primary_key}}) {
        if (text->empty())
            continue;
        auto name = known_key(setting, *text);
        if (!name)
            return core::fail(name.error());
        *out = name.value();
    }
    return p;
}

}  // namespace layer7::dns
