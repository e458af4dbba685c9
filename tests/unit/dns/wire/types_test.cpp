// Mnemonics and the RFC 3597 §5 generic TYPEnnn / CLASSnnn forms.
#include "dns/wire/types.hpp"

#include <gtest/gtest.h>

using namespace layer7::dns;

TEST(Types, Mnemonics)
{
    EXPECT_EQ(to_text(RrType::aaaa), "AAAA");
    EXPECT_EQ(to_text(RrType::caa), "CAA");
    EXPECT_EQ(to_text(static_cast<RrType>(65280)), "TYPE65280");
    EXPECT_EQ(to_text(RrClass::in), "IN");
    EXPECT_EQ(to_text(static_cast<RrClass>(42)), "CLASS42");
    EXPECT_EQ(to_text(Rcode::nx_domain), "NXDOMAIN");
    EXPECT_EQ(to_text(Rcode::bad_vers), "BADVERS");
    EXPECT_EQ(to_text(static_cast<Rcode>(12)), "RCODE12");
    EXPECT_EQ(to_text(Opcode::notify), "NOTIFY");
}

TEST(Types, ParsesMnemonicsAndGenericForms)
{
    EXPECT_EQ(parse_type("mx"), RrType::mx);
    EXPECT_EQ(parse_type("SRV"), RrType::srv);
    EXPECT_EQ(parse_type("TYPE1"), RrType::a);
    EXPECT_EQ(parse_type("type65535"), static_cast<RrType>(65535));
    EXPECT_EQ(parse_type("TYPE65536"), std::nullopt);
    EXPECT_EQ(parse_type("TYPE"), std::nullopt);
    EXPECT_EQ(parse_type("TYPE1x"), std::nullopt);
    EXPECT_EQ(parse_type("BOGUS"), std::nullopt);
    EXPECT_EQ(parse_class("in"), RrClass::in);
    EXPECT_EQ(parse_class("CLASS255"), RrClass::any);
}
