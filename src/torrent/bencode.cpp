// Bencode: see bencode.hpp.
#include "torrent/bencode.hpp"
#include "core/text/ascii.hpp"

#include <algorithm>
#include <limits>

namespace layer7::torrent {

const Value* Value::find(std::string_view key) const
{
    const Dict* d = dict();
    if (!d)
        return nullptr;
    auto it = std::lower_bound(d->begin(), d->end(), key,
                               [](const DictEntry& e, std::string_view k) { return std::string_view(e.key) < k; });
    return it != d->end() && it->key == key ? &it->value : nullptr;
}

bool Value::operator==(const Value& other) const
{
    return data == other.data;
}

std::string_view to_string(BencodeError e)
{
    switch (e) {
    case BencodeError::truncated: return "truncated bencode";
    case BencodeError::unexpected_byte: return "unexpected byte in bencode";
    case BencodeError::bad_integer: return "malformed bencode integer";
    case BencodeError::non_canonical_integer: return "non-canonical bencode integer (leading zero or -0)";
    case BencodeError::integer_overflow: return "bencode integer out of range";
    case BencodeError::bad_length: return "malformed bencode string length";
    case BencodeError::string_too_long: return "bencode string too long";
    case BencodeError::too_deep: return "bencode nested too deep";
    case BencodeError::too_many_values: return "too many bencode values";
    case BencodeError::key_not_string: return "bencode dictionary key is not a string";
    case BencodeError::unsorted_keys: return "bencode dictionary keys not sorted";
    case BencodeError::duplicate_key: return "duplicate bencode dictionary key";
    case BencodeError::trailing_bytes: return "bytes after the bencode value";
    }
    return "bencode error";
}

namespace {

class Decoder {
public:
    Decoder(std::string_view in, const BencodeLimits& limits) : in_(in), limits_(limits) {}

    core::Result<Value, BencodeError> value(std::size_t depth)
    {
        if (pos_ >= in_.size())
            return core::fail(BencodeError::truncated);
        if (++values_ > limits_.max_values)
            return core::fail(BencodeError::too_many_values);
        const char c = in_[pos_];
        if (c == 'i')
            return integer();
        if (core::is_digit(c)) {
            auto s = string();
            if (!s)
                return core::fail(s.error());
            return Value(std::move(s).value());
        }
        if (c != 'l' && c != 'd')
            return core::fail(BencodeError::unexpected_byte);
        if (depth >= limits_.max_depth)
            return core::fail(BencodeError::too_deep);
        ++pos_;
        return c == 'l' ? list(depth + 1) : dict(depth + 1);
    }

    std::size_t position() const { return pos_; }

private:
    // Digits up to `end`, already checked canonical by the caller; false on overflow.
    static bool accumulate(std::string_view digits, bool negative, std::int64_t& out)
    {
        // Accumulate negatively so INT64_MIN is representable.
        std::int64_t v = 0;
        for (char d : digits) {
            const int digit = d - '0';
            if (v < (std::numeric_limits<std::int64_t>::min() + digit) / 10)
                return false;
            v = v * 10 - digit;
        }
        if (!negative) {
            if (v == std::numeric_limits<std::int64_t>::min())
                return false;
            v = -v;
        }
        out = v;
        return true;
    }

    core::Result<Value, BencodeError> integer()
    {
        ++pos_;  // 'i'
        const std::size_t end = in_.find('e', pos_);
        if (end == std::string_view::npos)
            return core::fail(BencodeError::truncated);
        std::string_view text = in_.substr(pos_, end - pos_);
        const bool negative = text.starts_with('-');
        std::string_view digits = negative ? text.substr(1) : text;
        if (digits.empty() || !std::all_of(digits.begin(), digits.end(), core::is_digit))
            return core::fail(BencodeError::bad_integer);
        if ((digits.size() > 1 && digits[0] == '0') || (negative && digits == "0"))
            return core::fail(BencodeError::non_canonical_integer);
        std::int64_t v = 0;
        if (!accumulate(digits, negative, v))
            return core::fail(BencodeError::integer_overflow);
        pos_ = end + 1;
        return Value(v);
    }

    core::Result<std::string, BencodeError> string()
    {
        std::size_t colon = pos_;
        while (colon < in_.size() && core::is_digit(in_[colon]))
            ++colon;
        if (colon >= in_.size())
            return core::fail(BencodeError::truncated);
        if (in_[colon] != ':')
            return core::fail(BencodeError::bad_length);
        const std::string_view digits = in_.substr(pos_, colon - pos_);
        if (digits.size() > 1 && digits[0] == '0')
            return core::fail(BencodeError::bad_length);
        // The length is checked against what is left before anything is allocated: "9999999999:"
        // costs nothing.
        const std::size_t left = in_.size() - colon - 1;
        const std::size_t cap = std::min(left, limits_.max_string);
        std::size_t n = 0;
        for (char d : digits) {
            n = n * 10 + static_cast<std::size_t>(d - '0');
            if (n > cap)
                return core::fail(n > left ? BencodeError::truncated : BencodeError::string_too_long);
        }
        pos_ = colon + 1 + n;
        return std::string(in_.substr(colon + 1, n));
    }

    core::Result<Value, BencodeError> list(std::size_t depth)
    {
        Value::List items;
        for (;;) {
            if (pos_ >= in_.size())
                return core::fail(BencodeError::truncated);
            if (in_[pos_] == 'e') {
                ++pos_;
                return Value(std::move(items));
            }
            auto item = value(depth);
            if (!item)
                return core::fail(item.error());
            items.push_back(std::move(item).value());
        }
    }

    core::Result<Value, BencodeError> dict(std::size_t depth)
    {
        Value::Dict entries;
        for (;;) {
            if (pos_ >= in_.size())
                return core::fail(BencodeError::truncated);
            if (in_[pos_] == 'e') {
                ++pos_;
                return Value(std::move(entries));
            }
            if (!core::is_digit(in_[pos_]))
                return core::fail(BencodeError::key_not_string);
            if (++values_ > limits_.max_values)
                return core::fail(BencodeError::too_many_values);
            auto key = string();
            if (!key)
                return core::fail(key.error());
            if (!entries.empty()) {
                const int order = entries.back().key.compare(*key);
                if (order == 0)
                    return core::fail(BencodeError::duplicate_key);
                if (order > 0)
                    return core::fail(BencodeError::unsorted_keys);
            }
            auto item = value(depth);
            if (!item)
                return core::fail(item.error());
            entries.push_back({std::move(key).value(), std::move(item).value()});
        }
    }

    std::string_view in_;
    const BencodeLimits& limits_;
    std::size_t pos_ = 0;
    std::size_t values_ = 0;
};

void encode_into(const Value& v, std::string& out)
{
    if (const auto* i = v.integer()) {
        out += 'i';
        out += std::to_string(*i);
        out += 'e';
    } else if (const auto* s = v.string()) {
        out += std::to_string(s->size());
        out += ':';
        out += *s;
    } else if (const auto* l = v.list()) {
        out += 'l';
        for (const auto& item : *l)
            encode_into(item, out);
        out += 'e';
    } else if (const auto* d = v.dict()) {
        std::vector<const DictEntry*> order;
        order.reserve(d->size());
        for (const auto& e : *d)
            order.push_back(&e);
        std::stable_sort(order.begin(), order.end(),
                         [](const DictEntry* a, const DictEntry* b) { return a->key < b->key; });
        out += 'd';
        for (const DictEntry* e : order) {
            out += std::to_string(e->key.size());
            out += ':';
            out += e->key;
            encode_into(e->value, out);
        }
        out += 'e';
    }
}

}  // namespace

core::Result<Value, BencodeError> decode_prefix(std::string_view in, std::size_t& used, const BencodeLimits& limits)
{
    Decoder decoder(in, limits);
    auto v = decoder.value(0);
    used = decoder.position();
    return v;
}

core::Result<Value, BencodeError> decode(std::string_view in, const BencodeLimits& limits)
{
    std::size_t used = 0;
    auto v = decode_prefix(in, used, limits);
    if (v && used != in.size())
        return core::fail(BencodeError::trailing_bytes);
    return v;
}

std::string encode(const Value& value)
{
    std::string out;
    encode_into(value, out);
    return out;
}

}  // namespace layer7::torrent
