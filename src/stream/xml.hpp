// A small XML reader for manifests (DASH MPD): elements, attributes, text, comments, CDATA, the
// five predefined entities and character references. No DTD, no external anything (a DOCTYPE is
// refused: entity expansion attacks). Names keep no namespace prefix. Bounded by XmlLimits. Pure.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace layer7::stream {

struct XmlElement {
    std::string name;                                             // local name: "mpd:Period" → "Period"
    std::vector<std::pair<std::string, std::string>> attributes;  // local names, decoded values
    std::string text;                                             // character data directly inside, concatenated
    std::vector<XmlElement> children;

    // The attribute's value, or nullopt.
    std::optional<std::string_view> attribute(std::string_view name) const;
    // Children named `name`, in document order.
    std::vector<const XmlElement*> all(std::string_view name) const;
    const XmlElement* first(std::string_view name) const;
};

struct XmlLimits {
    std::size_t max_input = 4u << 20;  // a long live SegmentTimeline is ~100 KiB; 4 MiB is plenty
    std::size_t max_elements = 100000;
    std::size_t max_depth = 32;       // an MPD nests 6 deep
    std::size_t max_attributes = 64;  // per element
};

enum class XmlErrorCode {
    too_large,
    too_many_elements,
    too_deep,
    too_many_attributes,
    syntax,  // not well-formed
    mismatched_tag,
    bad_reference,  // unknown entity, bad character reference
    doctype,        // DTDs are not read
    no_root,
};

struct XmlError {
    XmlErrorCode code;
    std::size_t offset;  // byte offset into the input
    std::string describe() const;
};

// Parses a whole document into its root element.
core::Result<XmlElement, XmlError> parse_xml(std::string_view input, const XmlLimits& limits = {});

}  // namespace layer7::stream
