// Mnemonics for types, classes, opcodes and rcodes, and the RFC 3597 generic forms.
#include "dns/wire/types.hpp"
#include "core/text/ascii.hpp"

#include <charconv>

namespace layer7::dns {
namespace {

struct TypeName {
    RrType type;
    std::string_view text;
};
constexpr TypeName type_names[] = {
    {RrType::a, "A"},       {RrType::ns, "NS"},       {RrType::cname, "CNAME"}, {RrType::soa, "SOA"},
    {RrType::ptr, "PTR"},   {RrType::hinfo, "HINFO"}, {RrType::mx, "MX"},       {RrType::txt, "TXT"},
    {RrType::aaaa, "AAAA"}, {RrType::srv, "SRV"},     {RrType::opt, "OPT"},     {RrType::ixfr, "IXFR"},
    {RrType::axfr, "AXFR"}, {RrType::any, "ANY"},     {RrType::caa, "CAA"},
};
struct ClassName {
    RrClass klass;
    std::string_view text;
};
constexpr ClassName class_names[] = {
    {RrClass::in, "IN"}, {RrClass::ch, "CH"}, {RrClass::hs, "HS"}, {RrClass::none, "NONE"}, {RrClass::any, "ANY"},
};

// "TYPE123" / "CLASS7": the prefix, then decimal digits only, fitting 16 bits.
std::optional<std::uint16_t> generic(std::string_view text, std::string_view prefix)
{
    if (text.size() <= prefix.size() || !core::iequals(text.substr(0, prefix.size()), prefix))
        return std::nullopt;
    auto digits = text.substr(prefix.size());
    unsigned value = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || end != digits.data() + digits.size() || value > 65535)
        return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

}  // namespace

std::string to_text(RrType type)
{
    for (auto& n : type_names)
        if (n.type == type)
            return std::string(n.text);
    return "TYPE" + std::to_string(static_cast<unsigned>(type));
}

std::string to_text(RrClass klass)
{
    for (auto& n : class_names)
        if (n.klass == klass)
            return std::string(n.text);
    return "CLASS" + std::to_string(static_cast<unsigned>(klass));
}

std::string to_text(Opcode opcode)
{
    switch (opcode) {
    case Opcode::query: return "QUERY";
    case Opcode::iquery: return "IQUERY";
    case Opcode::status: return "STATUS";
    case Opcode::notify: return "NOTIFY";
    case Opcode::update: return "UPDATE";
    }
    return "RESERVED" + std::to_string(static_cast<unsigned>(opcode));
}

std::string to_text(Rcode rcode)
{
    constexpr std::string_view names[] = {"NOERROR",  "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
                                          "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE"};
    auto v = static_cast<unsigned>(rcode);
    if (v < std::size(names))
        return std::string(names[v]);
    if (rcode == Rcode::bad_vers)
        return "BADVERS";
    return "RCODE" + std::to_string(v);
}

std::optional<RrType> parse_type(std::string_view text)
{
    for (auto& n : type_names)
        if (core::iequals(text, n.text))
            return n.type;
    if (auto v = generic(text, "TYPE"))
        return static_cast<RrType>(*v);
    return std::nullopt;
}

std::optional<RrClass> parse_class(std::string_view text)
{
    for (auto& n : class_names)
        if (core::iequals(text, n.text))
            return n.klass;
    if (auto v = generic(text, "CLASS"))
        return static_cast<RrClass>(*v);
    return std::nullopt;
}

}  // namespace layer7::dns
