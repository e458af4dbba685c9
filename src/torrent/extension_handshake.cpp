// The BEP 10 extension handshake: see extension_handshake.hpp.
#include "torrent/extension_handshake.hpp"

namespace layer7::torrent {

std::uint8_t ExtensionHandshake::id_of(std::string_view name) const
{
    for (const auto& [n, id] : extensions)
        if (n == name)
            return id;
    return 0;
}

std::string_view to_string(ExtensionError e)
{
    switch (e) {
    case ExtensionError::bencode: return "extension handshake is not bencode";
    case ExtensionError::not_a_dictionary: return "extension handshake is not a dictionary";
    }
    return "?";
}

core::Result<ExtensionHandshake, ExtensionError> decode_extension_handshake(std::string_view payload)
{
    auto value = decode(payload, extension_bencode_limits);
    if (!value)
        return core::fail(ExtensionError::bencode);
    if (!value->dict())
        return core::fail(ExtensionError::not_a_dictionary);
    ExtensionHandshake h;
    if (const Value* m = value->find("m"); m && m->dict()) {
        for (const auto& [name, id] : *m->dict())
            if (id.integer() && *id.integer() >= 0 && *id.integer() <= 255)
                h.extensions.emplace_back(name, static_cast<std::uint8_t>(*id.integer()));
    }
    if (const Value* size = value->find("metadata_size"); size && size->integer() && *size->integer() >= 0)
        h.metadata_size = static_cast<std::uint64_t>(*size->integer());
    if (const Value* p = value->find("p"); p && p->integer() && *p->integer() > 0 && *p->integer() <= 65535)
        h.port = static_cast<std::uint16_t>(*p->integer());
    if (const Value* q = value->find("reqq"); q && q->integer() && *q->integer() > 0 && *q->integer() <= 0xffffffff)
        h.reqq = static_cast<std::uint32_t>(*q->integer());
    if (const Value* v = value->find("v"); v && v->string())
        h.client = *v->string();
    return h;
}

std::string encode(const ExtensionHandshake& h)
{
    Value::Dict m;
    for (const auto& [name, id] : h.extensions)
        m.push_back({name, static_cast<std::int64_t>(id)});
    Value::Dict d;
    d.push_back({"m", std::move(m)});
    if (h.metadata_size)
        d.push_back({"metadata_size", static_cast<std::int64_t>(*h.metadata_size)});
    if (h.port)
        d.push_back({"p", static_cast<std::int64_t>(h.port)});
    if (h.reqq)
        d.push_back({"reqq", static_cast<std::int64_t>(h.reqq)});
    if (!h.client.empty())
        d.push_back({"v", h.client});
    return encode(Value(std::move(d)));  // encode() sorts the keys, "m" included
}

std::string describe(const ExtensionHandshake& h)
{
    std::string out = "extension handshake";
    for (const auto& [name, id] : h.extensions)
        out += " " + name + "=" + std::to_string(id);
    if (h.metadata_size)
        out += " metadata_size=" + std::to_string(*h.metadata_size);
    if (!h.client.empty()) {
        out += " v=";
        for (char c : h.client.substr(0, 64))
            out += (c >= 0x20 && c < 0x7f) ? c : '.';
    }
    return out;
}

}  // namespace layer7::torrent
