// Zone-file parser: directives, owner/TTL/class/type fields, then whole-zone checks.
#include "dns/zone/zone_parser.hpp"

#include <unordered_map>

#include "dns/wire/rdata_parse.hpp"

namespace layer7::dns {
namespace {

struct Located {
    Record record;
    std::size_t line;
};

bool is_class_token(const TextToken& t)
{
    // ANY and NONE are also type or update words; a zone file's class is IN, CH, HS or CLASSnnn.
    auto c = t.quoted ? std::nullopt : parse_class(t.text);
    return c && *c != RrClass::any && *c != RrClass::none;
}

bool starts_with_digit(const TextToken& t)
{
    return !t.quoted && !t.text.empty() && t.text[0] >= '0' && t.text[0] <= '9';
}

class Parser {
public:
    Parser(const Name& origin, std::string_view file, const ZoneLimits& limits)
        : apex_(origin), origin_(origin), file_(file), limits_(limits)
    {
    }

    core::Result<Zone, ZoneError> run(std::string_view text);

private:
    std::optional<ZoneError> directive(const ZoneEntry& e);
    std::optional<ZoneError> record(const ZoneEntry& e);
    std::optional<ZoneError> check(const Zone& zone) const;

    Name apex_, origin_;
    std::string_view file_;
    const ZoneLimits& limits_;
    std::optional<Name> last_owner_;
    std::optional<std::uint32_t> default_ttl_, last_ttl_;
    std::vector<Located> records_;
};

std::optional<ZoneError> Parser::directive(const ZoneEntry& e)
{
    const std::string& word = e.tokens[0].text;
    auto fail = [&](std::string m) { return ZoneError{std::string(file_), e.line, std::move(m)}; };
    if (word == "$ORIGIN") {
        if (e.tokens.size() != 2)
            return fail("$ORIGIN takes one name");
        auto name = Name::parse(e.tokens[1].text, origin_);
        if (!name)
            return fail("bad $ORIGIN '" + e.tokens[1].text + "': " + std::string(to_string(name.error())));
        origin_ = name.value();
        return std::nullopt;
    }
    if (word == "$TTL") {
        auto ttl = e.tokens.size() == 2 ? parse_ttl(e.tokens[1].text) : std::nullopt;
        if (!ttl || *ttl > limits_.max_ttl)
            return fail("bad $TTL");
        default_ttl_ = *ttl;
        return std::nullopt;
    }
    if (word == "$INCLUDE")
        return fail("$INCLUDE is not supported: list each zone file in the configuration instead");
    return fail("unknown directive " + word);
}

std::optional<ZoneError> Parser::record(const ZoneEntry& e)
{
    auto fail = [&](std::string m) { return ZoneError{std::string(file_), e.line, std::move(m)}; };
    std::size_t i = 0;
    Name owner;
    if (e.owner_omitted) {
        if (!last_owner_)
            return fail("no owner name, and no previous record to take it from");
        owner = *last_owner_;
    } else {
        auto name = Name::parse(e.tokens[0].text, origin_);
        if (!name)
            return fail("bad owner '" + e.tokens[0].text + "': " + std::string(to_string(name.error())));
        owner = name.value();
        i = 1;
    }
    std::optional<std::uint32_t> ttl;
    std::optional<RrClass> klass;
    for (int k = 0; k < 2 && i < e.tokens.size(); ++k) {  // [TTL] [class] in either order
        if (!klass && is_class_token(e.tokens[i])) {
            klass = parse_class(e.tokens[i++].text);
        } else if (!ttl && starts_with_digit(e.tokens[i])) {
            ttl = parse_ttl(e.tokens[i].text);
            if (!ttl || *ttl > limits_.max_ttl)
                return fail("bad TTL '" + e.tokens[i].text + "'");
            ++i;
        }
    }
    if (i >= e.tokens.size())
        return fail("missing type");
    auto type = e.tokens[i].quoted ? std::nullopt : parse_type(e.tokens[i].text);
    if (!type)
        return fail("unknown type '" + e.tokens[i].text + "'");
    ++i;
    if (*type == RrType::opt || *type == RrType::any || *type == RrType::axfr || *type == RrType::ixfr)
        return fail(to_text(*type) + " is not a record type for zone files");
    if (klass && *klass != RrClass::in)
        return fail("class " + to_text(*klass) + " is not served; use IN");
    if (!owner.is_subdomain_of(apex_))
        return fail(owner.to_text() + " is outside the zone " + apex_.to_text());
    auto data = parse_rdata(*type, std::span(e.tokens).subspan(i), origin_);
    if (!data)
        return fail(data.error());
    if (ttl) {
        last_ttl_ = ttl;
    } else if (default_ttl_) {
        ttl = default_ttl_;
    } else if (last_ttl_) {
        ttl = last_ttl_;
    } else if (auto* soa = std::get_if<Soa>(&data.value())) {
        ttl = std::min(soa->minimum, limits_.max_ttl);  // BIND's fallback without $TTL
        last_ttl_ = ttl;
    } else {
        return fail("no TTL: add $TTL or a TTL on the first record");
    }
    if (records_.size() >= limits_.max_records)
        return fail("more than " + std::to_string(limits_.max_records) + " records");
    last_owner_ = owner;
    records_.push_back({Record{owner, *type, RrClass::in, *ttl, std::move(data).value()}, e.line});
    return std::nullopt;
}

std::optional<ZoneError> Parser::check(const Zone& zone) const
{
    auto fail = [&](std::size_t line, std::string m) { return ZoneError{std::string(file_), line, std::move(m)}; };
    bool soa_seen = false;
    std::unordered_map<Name, std::size_t, NameHash> cname_line, other_line;
    for (auto& [rr, line] : records_) {
        if (rr.type == RrType::soa) {
            if (!(rr.owner == apex_))
                return fail(line, "SOA record at " + rr.owner.to_text() + ", not at the zone apex");
            if (soa_seen)
                return fail(line, "more than one SOA record");
            soa_seen = true;
        }
        auto& mine = rr.type == RrType::cname ? cname_line : other_line;
        auto& theirs = rr.type == RrType::cname ? other_line : cname_line;
        if (theirs.count(rr.owner))
            return fail(line, "CNAME and other data at " + rr.owner.to_text() + " (RFC 1034 §3.6.2)");
        if (rr.type == RrType::cname && mine.count(rr.owner))
            return fail(line, "more than one CNAME at " + rr.owner.to_text());
        mine.emplace(rr.owner, line);
    }
    if (!soa_seen)
        return fail(0, "no SOA record at the zone apex " + apex_.to_text());
    if (!zone.find(apex_, RrType::ns))
        return fail(0, "no NS records at the zone apex " + apex_.to_text());
    for (auto& [rr, line] : records_) {
        auto* ns = std::get_if<Ns>(&rr.data);
        if (!ns || !ns->host.is_subdomain_of(apex_))
            continue;
        if (!zone.find(ns->host, RrType::a) && !zone.find(ns->host, RrType::aaaa))
            return fail(line, "NS " + ns->host.to_text() + " is in the zone but has no A or AAAA record (glue)");
    }
    return std::nullopt;
}

core::Result<Zone, ZoneError> Parser::run(std::string_view text)
{
    auto entries = lex_zone(text, file_, limits_.lex);
    if (!entries)
        return core::fail(entries.error());
    for (auto& e : entries.value()) {
        const bool is_directive = !e.owner_omitted && !e.tokens[0].quoted && e.tokens[0].text.starts_with('$');
        if (auto err = is_directive ? directive(e) : record(e))
            return core::fail(std::move(*err));
    }
    Zone zone(apex_);
    for (auto& [rr, line] : records_)
        zone.add(rr);
    if (auto err = check(zone))
        return core::fail(std::move(*err));
    return zone;
}

}  // namespace

core::Result<Zone, ZoneError> parse_zone(std::string_view text, const Name& origin, std::string_view file,
                                         const ZoneLimits& limits)
{
    return Parser(origin, file, limits).run(text);
}

}  // namespace layer7::dns
