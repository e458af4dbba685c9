// TSIG: signing and verifying requests and multi-message replies, the error cases of RFC 8945
// §5.2 (BADKEY, BADSIG, BADTIME), and the key syntaxes of nsupdate -y and tsig-keygen.
#include "dns/tsig/tsig.hpp"

#include <gtest/gtest.h>

#include "dns/wire/message.hpp"

using namespace layer7::dns;

namespace {

constexpr std::uint64_t now = 1'790'000'000;

TsigKey key(const char* spec = "hmac-sha256:update-key:c2VjcmV0LXNlY3JldC1zZWNyZXQ=")
{
    return parse_tsig_key(spec).value();
}

std::vector<std::uint8_t> query(std::uint16_t id = 0x1234)
{
    Message m;
    m.id = id;
    m.flags.opcode = Opcode::update;
    m.questions.push_back({Name::parse("example.test.").value(), RrType::soa, RrClass::in});
    return encode(m);
}

std::vector<std::uint8_t> signed_query(const TsigKey& k, std::uint64_t at = now)
{
    auto wire = query();
    TsigSession client(k);
    client.sign(wire, at);
    return wire;
}

TsigCheck check(const std::vector<std::uint8_t>& wire, const std::vector<TsigKey>& keys, std::uint64_t at = now)
{
    auto found = find_tsig(wire);
    EXPECT_TRUE(found.ok() && found.value());
    TsigSession server;
    return TsigSession::verify_request(wire, *found.value(), keys, at, server);
}

}  // namespace

TEST(Tsig, ASignedRequestVerifiesAndStillDecodes)
{
    const auto k = key();
    const auto wire = signed_query(k);
    auto decoded = decode(wire);
    ASSERT_TRUE(decoded.ok());
    ASSERT_EQ(decoded.value().additional.size(), 1u);
    EXPECT_EQ(static_cast<std::uint16_t>(decoded.value().additional[0].type), tsig_type);
    auto found = find_tsig(wire);
    ASSERT_TRUE(found.ok() && found.value());
    EXPECT_EQ(found.value()->record.mac.size(), 32u);
    EXPECT_EQ(found.value()->record.original_id, 0x1234);
    EXPECT_EQ(found.value()->record.time_signed, now);
    const std::vector<TsigKey> keys{k};
    auto c = check(wire, keys);
    EXPECT_TRUE(c.ok());
    EXPECT_EQ(c.key, &keys[0]);
}

TEST(Tsig, EveryAlgorithmRoundTrips)
{
    for (const char* alg : {"hmac-md5", "hmac-sha1", "hmac-sha224", "hmac-sha256", "hmac-sha384", "hmac-sha512"}) {
        const auto k = key((std::string(alg) + ":k:a2V5").c_str());
        auto found = find_tsig(signed_query(k));
        ASSERT_TRUE(found.ok() && found.value()) << alg;
        EXPECT_EQ(found.value()->record.mac.size(), mac_size(k.algorithm)) << alg;
        EXPECT_TRUE(check(signed_query(k), {k}).ok()) << alg;
    }
}

TEST(Tsig, AnUnknownKeyIsBadKey)
{
    const auto wire = signed_query(key());
    EXPECT_EQ(check(wire, {key("hmac-sha256:other-key:c2VjcmV0")}).error, TsigError::bad_key);
    // The right name with another algorithm is another key.
    EXPECT_EQ(check(wire, {key("hmac-sha512:update-key:c2VjcmV0LXNlY3JldC1zZWNyZXQ=")}).error, TsigError::bad_key);
}

TEST(Tsig, AWrongSecretOrAChangedOctetIsBadSig)
{
    auto wire = signed_query(key());
    EXPECT_EQ(check(wire, {key("hmac-sha256:update-key:b3RoZXI=")}).error, TsigError::bad_sig);
    wire[13] ^= 1;  // inside the question
    EXPECT_EQ(check(wire, {key()}).error, TsigError::bad_sig);
}

TEST(Tsig, ATruncatedMacIsBadTrunc)
{
    auto wire = query();
    const auto k = key();
    TsigSession client(k);
    client.sign(wire, now);
    auto found = find_tsig(wire).value();
    // Rebuild the record with the MAC cut to 16 octets: MAC size at offset + name + 10 + alg + 8.
    const std::size_t mac_at =
        found->offset + found->record.key.wire_size() + 10 + found->record.algorithm.wire_size() + 8;
    wire[mac_at] = 0;
    wire[mac_at + 1] = 16;
    wire.erase(wire.begin() + static_cast<long>(mac_at + 2 + 16), wire.begin() + static_cast<long>(mac_at + 2 + 32));
    const std::size_t rdlength_at = found->offset + found->record.key.wire_size() + 8;
    const auto rdlength = static_cast<std::uint16_t>((wire[rdlength_at] << 8 | wire[rdlength_at + 1]) - 16);
    wire[rdlength_at] = static_cast<std::uint8_t>(rdlength >> 8);
    wire[rdlength_at + 1] = static_cast<std::uint8_t>(rdlength);
    EXPECT_EQ(check(wire, {key()}).error, TsigError::bad_trunc);
}

TEST(Tsig, OutsideTheFudgeIsBadTimeAndTheReplyCarriesOurTime)
{
    const auto k = key();
    const auto wire = signed_query(k, now - 3600);
    auto found = find_tsig(wire).value();
    TsigSession server;
    const std::vector<TsigKey> keys{k};
    auto c = TsigSession::verify_request(wire, *found, keys, now, server);
    EXPECT_EQ(c.error, TsigError::bad_time);
    EXPECT_TRUE(TsigSession::verify_request(wire, *found, keys, now - 3600 + 300, server).ok());
    // A BADTIME reply is signed (the MAC was good) and its other data is the server's time.
    TsigSession::verify_request(wire, *found, keys, now, server);
    Message reply;
    reply.id = 0x1234;
    reply.flags.qr = true;
    reply.rcode = Rcode::not_auth;
    auto out = encode(reply);
    server.sign(out, now, TsigError::bad_time);
    auto record = find_tsig(out).value()->record;
    EXPECT_EQ(record.error, TsigError::bad_time);
    EXPECT_EQ(record.mac.size(), 32u);
    ASSERT_EQ(record.other.size(), 6u);
    EXPECT_EQ(record.other[5], static_cast<std::uint8_t>(now));
}

TEST(Tsig, BadKeyAndBadSigRepliesCarryNoMac)
{
    const auto wire = signed_query(key());
    auto found = find_tsig(wire).value();
    TsigSession server;
    const std::vector<TsigKey> none;
    auto c = TsigSession::verify_request(wire, *found, none, now, server);
    ASSERT_EQ(c.error, TsigError::bad_key);
    Message reply;
    reply.flags.qr = true;
    reply.rcode = Rcode::not_auth;
    auto out = encode(reply);
    server.sign(out, now, c.error);
    auto record = find_tsig(out).value()->record;
    EXPECT_TRUE(record.mac.empty());
    EXPECT_EQ(record.error, TsigError::bad_key);
    EXPECT_EQ(record.key, Name::parse("update-key.").value());
}

TEST(Tsig, AMultiMessageReplyVerifiesMessageByMessage)
{
    const auto k = key();
    auto request = query();
    TsigSession client(k);
    client.sign(request, now);
    auto found = find_tsig(request).value();
    TsigSession server;
    const std::vector<TsigKey> keys{k};
    ASSERT_TRUE(TsigSession::verify_request(request, *found, keys, now, server).ok());
    std::vector<std::vector<std::uint8_t>> replies;
    for (int i = 0; i < 4; ++i) {
        Message m;
        m.id = 0x1234;
        m.flags.qr = true;
        m.answers.push_back({Name::parse("h" + std::to_string(i) + ".example.test.").value(), RrType::a, RrClass::in,
                             60, A{{192, 0, 2, static_cast<std::uint8_t>(i)}}});
        replies.push_back(encode(m));
    }
    // The server signs the first, third and fourth; the second goes unsigned (§5.3.1).
    for (std::size_t i = 0; i < replies.size(); ++i)
        if (i != 1)
            server.sign(replies[i], now + i);
        else
            server.skip(replies[i]);
    for (std::size_t i = 0; i < replies.size(); ++i)
        EXPECT_EQ(client.verify_reply(replies[i], now), TsigError::none) << i;
    // A reply to another request's MAC does not verify.
    TsigSession stranger(k);
    auto other = query(7);
    stranger.sign(other, now + 1);
    EXPECT_EQ(stranger.verify_reply(replies[0], now), TsigError::bad_sig);
}

TEST(Tsig, FindTsigRejectsOneThatIsNotLast)
{
    auto wire = signed_query(key());
    EXPECT_TRUE(find_tsig(query()).value() == std::nullopt);
    // A second copy of the TSIG after the first: the first is no longer last.
    auto found = find_tsig(wire).value();
    std::vector<std::uint8_t> record(wire.begin() + static_cast<long>(found->offset), wire.end());
    wire.insert(wire.end(), record.begin(), record.end());
    wire[11] = 2;
    EXPECT_FALSE(find_tsig(wire).ok());
    wire.resize(20);
    EXPECT_FALSE(find_tsig(wire).ok());
}

TEST(Tsig, KeySpecsInNsupdateSyntax)
{
    auto k = parse_tsig_key("hmac-sha512:Ddns.Key:c2VjcmV0");
    ASSERT_TRUE(k.ok()) << k.error();
    EXPECT_EQ(k.value().algorithm, TsigAlgorithm::hmac_sha512);
    EXPECT_EQ(k.value().name, Name::parse("ddns.key.").value());
    EXPECT_EQ(std::string(k.value().secret.begin(), k.value().secret.end()), "secret");
    EXPECT_EQ(parse_tsig_key("name:c2VjcmV0").value().algorithm, TsigAlgorithm::hmac_sha256);
    EXPECT_EQ(parse_tsig_key("hmac-md5:n:c2VjcmV0").value().algorithm, TsigAlgorithm::hmac_md5);
    EXPECT_FALSE(parse_tsig_key("c2VjcmV0").ok());
    EXPECT_FALSE(parse_tsig_key("hmac-foo:n:c2VjcmV0").ok());
    EXPECT_FALSE(parse_tsig_key("n:not base64!").ok());
}

TEST(Tsig, KeyFilesAsTsigKeygenWritesThem)
{
    auto keys = parse_key_file(R"(# made by tsig-keygen
key "ddns-key" {
	algorithm hmac-sha256;
	secret "c2VjcmV0LXNlY3JldC1zZWNyZXQ=";
};
/* a second */ key xfr { algorithm hmac-sha1; secret "eGZy"; }; // end
)");
    ASSERT_TRUE(keys.ok()) << keys.error();
    ASSERT_EQ(keys.value().size(), 2u);
    EXPECT_EQ(keys.value()[0].name, Name::parse("ddns-key.").value());
    EXPECT_EQ(keys.value()[1].algorithm, TsigAlgorithm::hmac_sha1);
    EXPECT_FALSE(parse_key_file("key \"k\" { algorithm hmac-sha256; };").ok());
    EXPECT_FALSE(parse_key_file("key \"k\" { secret \"eGZy\"; ").ok());
    EXPECT_FALSE(parse_key_file("").ok());
    EXPECT_FALSE(parse_key_file("options { };").ok());
}
