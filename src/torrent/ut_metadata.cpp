// BEP 9 ut_metadata messages: see ut_metadata.hpp.
#include "torrent/ut_metadata.hpp"

#include "torrent/bencode.hpp"

namespace layer7::torrent {

namespace {

// The dictionary has three small integers; anything deeper or longer is not a ut_metadata message.
constexpr BencodeLimits dictionary_limits{.max_depth = 4, .max_string = 1024, .max_values = 64};

}  // namespace

std::string_view to_string(MetadataError e)
{
    switch (e) {
    case MetadataError::bad_dictionary: return "ut_metadata message without its dictionary";
    case MetadataError::bad_msg_type: return "ut_metadata message without msg_type";
    case MetadataError::bad_piece: return "ut_metadata message without a valid piece";
    case MetadataError::bad_total_size: return "ut_metadata data without a valid total_size";
    }
    return "?";
}

core::Result<MetadataMessage, MetadataError> decode_metadata_message(std::string_view payload)
{
    std::size_t used = 0;
    auto dict = decode_prefix(payload, used, dictionary_limits);
    if (!dict || !dict->dict())
        return core::fail(MetadataError::bad_dictionary);
    MetadataMessage m;
    const Value* type = dict->find("msg_type");
    if (!type || !type->integer())
        return core::fail(MetadataError::bad_msg_type);
    const std::int64_t t = *type->integer();
    m.type = t >= 0 && t <= 2 ? static_cast<MetadataMessageType>(t) : MetadataMessageType::unknown;
    if (m.type == MetadataMessageType::unknown)
        return m;
    const Value* piece = dict->find("piece");
    if (!piece || !piece->integer() || *piece->integer() < 0 || *piece->integer() > 0xffffffff)
        return core::fail(MetadataError::bad_piece);
    m.piece = static_cast<std::uint32_t>(*piece->integer());
    if (m.type == MetadataMessageType::data) {
        const Value* total = dict->find("total_size");
        if (!total || !total->integer() || *total->integer() < 0)
            return core::fail(MetadataError::bad_total_size);
        m.total_size = static_cast<std::uint64_t>(*total->integer());
        m.data = std::string(payload.substr(used));
    }
    return m;
}

std::string encode(const MetadataMessage& m)
{
    Value::Dict d{{"msg_type", static_cast<std::int64_t>(m.type)}, {"piece", static_cast<std::int64_t>(m.piece)}};
    if (m.type == MetadataMessageType::data)
        d.push_back({"total_size", static_cast<std::int64_t>(m.total_size)});
    std::string out = encode(Value(std::move(d)));
    if (m.type == MetadataMessageType::data)
        out += m.data;
    return out;
}

std::string describe(const MetadataMessage& m)
{
    const std::string piece = std::to_string(m.piece);
    switch (m.type) {
    case MetadataMessageType::request: return "ut_metadata request " + piece;
    case MetadataMessageType::reject: return "ut_metadata reject " + piece;
    case MetadataMessageType::data:
        return "ut_metadata data " + piece + " (" + std::to_string(m.data.size()) + " bytes of " +
               std::to_string(m.total_size) + ")";
    case MetadataMessageType::unknown: break;
    }
    return "ut_metadata unknown message";
}

MetadataMessage answer_request(std::string_view info, std::uint32_t piece)
{
    if (piece >= metadata_piece_count(info.size()))
        return MetadataMessage::reject(piece);
    MetadataMessage m;
    m.type = MetadataMessageType::data;
    m.piece = piece;
    m.total_size = info.size();
    m.data = std::string(info.substr(std::size_t{piece} * metadata_piece_size, metadata_piece_size));
    return m;
}

}  // namespace layer7::torrent
