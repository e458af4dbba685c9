// Rdata: wire decode/encode per type, RFC 3597 unknown types, presentation text.
#include "dns/wire/rdata.hpp"

#include <gtest/gtest.h>

#include "../../hex.hpp"

using namespace layer7;
using namespace layer7::dns;

namespace {
core::Result<Rdata, DecodeError> decode_hex(RrType type, std::string_view hex, RrClass klass = RrClass::in)
{
    auto bytes = from_hex(hex);
    core::WireReader r{std::span<const std::uint8_t>(bytes)};
    return decode_rdata(type, klass, r, bytes.size(), {});
}
std::vector<std::uint8_t> encode_plain(const Rdata& data)
{
    core::WireWriter out;
    EXPECT_TRUE(encode_rdata(data, out, nullptr));
    return out.take();
}
Name n(std::string_view t)
{
    return Name::parse(t).value();
}
}  // namespace

TEST(Rdata, EachTypeRoundTripsThroughWireAndText)
{
    struct Case {
        RrType type;
        const char* hex;
        const char* text;
    } cases[] = {
        {RrType::a, "c0 00 02 01", "192.0.2.1"},
        {RrType::aaaa, "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01", "2001:db8::1"},
        {RrType::ns, "02 6e 73 00", "ns."},
        {RrType::cname, "01 61 00", "a."},
        {RrType::ptr, "01 62 00", "b."},
        {RrType::mx, "00 0a 02 6d 78 00", "10 mx."},
        {RrType::soa, "01 6d 00 01 72 00 00 00 00 01 00 00 0e 10 00 00 07 08 00 09 3a 80 00 00 01 2c",
         "m. r. 1 3600 1800 604800 300"},
        {RrType::txt, "05 68 65 6c 6c 6f 00 03 61 22 62", "\"hello\" \"\" \"a\\\"b\""},
        {RrType::srv, "00 01 00 02 14 95 03 73 69 70 00", "1 2 5269 sip."},
        {RrType::caa, "00 05 69 73 73 75 65 63 61 2e 6e 65 74", "0 issue \"ca.net\""},
        {static_cast<RrType>(65280), "0a 00 00 01", "\\# 4 0a000001"},
    };
    for (auto& c : cases) {
        auto d = decode_hex(c.type, c.hex);
        ASSERT_TRUE(d.ok()) << c.text;
        EXPECT_EQ(type_of(*d).value_or(RrType::any), c.type == static_cast<RrType>(65280) ? RrType::any : c.type);
        EXPECT_EQ(to_text(*d), c.text);
        EXPECT_EQ(encode_plain(*d), from_hex(c.hex)) << c.text;
    }
}

TEST(Rdata, LengthMismatchesAreErrors)
{
    EXPECT_EQ(decode_hex(RrType::a, "01 02 03").error(), DecodeError::short_rdata);
    EXPECT_EQ(decode_hex(RrType::a, "01 02 03 04 05").error(), DecodeError::bad_rdata);
    EXPECT_EQ(decode_hex(RrType::mx, "00 0a 02 6d 78 00 ff").error(), DecodeError::bad_rdata);
    EXPECT_EQ(decode_hex(RrType::txt, "05 61").error(), DecodeError::short_rdata);
    EXPECT_EQ(decode_hex(RrType::caa, "00 00").error(), DecodeError::bad_rdata);
    // A name in RDATA may not run past RDLENGTH into the next record.
    auto bytes = from_hex("02 6e 73 00");
    core::WireReader r{std::span<const std::uint8_t>(bytes)};
    EXPECT_EQ(decode_rdata(RrType::ns, RrClass::in, r, 2, {}).error(), DecodeError::short_rdata);
}

TEST(Rdata, EmptyAndNonInClassStayOpaque)
{
    EXPECT_TRUE(std::holds_alternative<Unknown>(decode_hex(RrType::a, "").value()));
    EXPECT_TRUE(std::holds_alternative<Unknown>(decode_hex(RrType::a, "01 02", RrClass::ch).value()));
    EXPECT_TRUE(std::holds_alternative<Txt>(decode_hex(RrType::txt, "01 61", RrClass::ch).value()));
}

TEST(Rdata, CompressesOnlyWellKnownTypes)
{
    core::WireWriter out;
    NameCompressor names;
    ASSERT_TRUE(names.write(out, n("example."), true));
    ASSERT_TRUE(encode_rdata(Mx{5, n("example.")}, out, &names));
    ASSERT_TRUE(encode_rdata(Srv{0, 0, 80, n("example.")}, out, &names));
    EXPECT_EQ(out.buffer(), from_hex("07 65 78 61 6d 70 6c 65 00  00 05 c0 00"
                                     "00 00 00 00 00 50 07 65 78 61 6d 70 6c 65 00"));
}

TEST(Rdata, EncodeIsAllOrNothing)
{
    core::WireWriter out(10);
    Soa soa{n("a."), n("b."), 1, 2, 3, 4, 5};
    EXPECT_FALSE(encode_rdata(soa, out, nullptr));
    EXPECT_EQ(out.size(), 0u);
    EXPECT_FALSE(encode_rdata(Txt{{std::string(256, 'x')}}, out, nullptr));  // not a character-string
}
