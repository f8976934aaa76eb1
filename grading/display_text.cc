// Escaping and indenting untrusted text for reports (see display_text.h).
#include "grading/display_text.h"

#include <fmt/format.h>

#include <cstdint>

namespace labgrade {
namespace {

// The first code point of `bytes` when it is well-formed UTF-8 of two to four bytes, with its
// length; length 0 otherwise (ASCII, a stray continuation byte, an overlong form, a surrogate).
struct DecodedCharacter {
  char32_t code = 0;
  std::size_t length = 0;
};

DecodedCharacter DecodeMultibyteUtf8(std::string_view bytes) {
  const auto lead = static_cast<unsigned char>(bytes[0]);
  // Leads C0, C1 and F5..FF only ever start overlong or out-of-range forms (RFC 3629).
  const std::size_t length = lead >= 0xC2 && lead <= 0xDF   ? 2
                             : lead >= 0xE0 && lead <= 0xEF ? 3
                             : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                            : 0;
  if (length == 0 || bytes.size() < length) return {};
  char32_t code = lead & (0x7F >> length);
  for (std::size_t i = 1; i < length; ++i) {
    const auto byte = static_cast<unsigned char>(bytes[i]);
    if ((byte & 0xC0) != 0x80) return {};
    code = (code << 6) | (byte & 0x3F);
  }
  constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < kSmallest[length] || code > 0x10FFFF) return {};
  if (code >= 0xD800 && code <= 0xDFFF) return {};
  return {code, length};
}

// Length of the character at the start of `bytes` if it may be shown as it is, else 0.
std::size_t ShowableMultibyteLength(std::string_view bytes) {
  const DecodedCharacter character = DecodeMultibyteUtf8(bytes);
  // C1 controls (U+0080..U+009F) act like control bytes on some terminals; U+FFFE and U+FFFF
  // are not allowed in XML.
  if (character.code < 0xA0 || character.code == 0xFFFE || character.code == 0xFFFF) return 0;
  return character.length;
}

// Characters that change how the text around them is shown: bidirectional embeddings,
// overrides, isolates and marks reorder it (U+202E shows "exe.txt" as "txt.exe"), and the line
// and paragraph separators start a line that a line-by-line report does not know of.
// https://www.unicode.org/reports/tr9/ ; CVE-2021-42574 ("Trojan Source").
bool ReordersOrBreaksLines(char32_t code) {
  return code == 0x061C || code == 0x200E || code == 0x200F || (code >= 0x202A && code <= 0x202E) ||
         (code >= 0x2066 && code <= 0x2069) || code == 0x2028 || code == 0x2029;
}

// The escape for one ASCII byte, or empty when it is printable and shown as it is.
std::string AsciiEscape(char byte, bool keep_layout) {
  switch (byte) {
    case '\n':
      return keep_layout ? "" : "\\n";
    case '\t':
      return keep_layout ? "" : "\\t";
    case '\\':
      return keep_layout ? "" : "\\\\";
    case '\r':
      return "\\r";
  }
  if (byte >= 0x20 && byte < 0x7F) return "";
  return fmt::format("\\x{:02x}", static_cast<unsigned char>(byte));
}

// How many bytes of `rest` the next displayed character takes.
std::size_t NextCharacterLength(std::string_view rest) {
  const std::size_t length = ShowableMultibyteLength(rest);
  return length == 0 ? 1 : length;
}

// Appends the display form of the character of `length` bytes at the start of `rest`.
void AppendCharacter(std::string_view rest, std::size_t length, bool keep_layout,
                     std::string& out) {
  if (length > 1) {
    const char32_t code = DecodeMultibyteUtf8(rest).code;
    if (ReordersOrBreaksLines(code)) {
      out += fmt::format("\\u{:04x}", static_cast<std::uint32_t>(code));
      return;
    }
    out.append(rest.substr(0, length));
    return;
  }
  const std::string escape = AsciiEscape(rest[0], keep_layout);
  if (escape.empty()) {
    out.push_back(rest[0]);
  } else {
    out += escape;
  }
}

// Escapes `text` up to `max_bytes` input bytes; returns how many bytes it consumed.
std::size_t AppendEscaped(std::string_view text, std::size_t max_bytes, bool keep_layout,
                          std::string& out) {
  std::size_t position = 0;
  while (position < text.size()) {
    const std::string_view rest = text.substr(position);
    const std::size_t length = NextCharacterLength(rest);
    if (length > max_bytes - position) break;
    AppendCharacter(rest, length, keep_layout, out);
    position += length;
  }
  return position;
}

}  // namespace

std::string EscapeForDisplay(std::string_view text, std::size_t max_bytes) {
  std::string out;
  const std::size_t shown_bytes = AppendEscaped(text, max_bytes, /*keep_layout=*/false, out);
  if (shown_bytes < text.size()) {
    out += fmt::format("… ({} more bytes)", text.size() - shown_bytes);
  }
  return out;
}

std::string EscapeReorderingCharacters(std::string_view text) {
  std::string out;
  for (std::size_t position = 0; position < text.size();) {
    const DecodedCharacter character = DecodeMultibyteUtf8(text.substr(position));
    if (character.length > 0 && ReordersOrBreaksLines(character.code)) {
      out += fmt::format("\\u{:04x}", static_cast<std::uint32_t>(character.code));
      position += character.length;
    } else {
      out += text[position++];
    }
  }
  return out;
}

std::string EscapeControlBytes(std::string_view text) {
  std::string out;
  AppendEscaped(text, text.size(), /*keep_layout=*/true, out);
  return out;
}

std::string IndentLines(std::string_view text, std::string_view indent, std::size_t max_lines) {
  std::string out;
  std::size_t lines_shown = 0;
  std::size_t lines_left_out = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (lines_shown == max_lines) {
      ++lines_left_out;
      continue;
    }
    if (!line.empty()) out.append(indent).append(line);
    out += '\n';
    ++lines_shown;
  }
  if (lines_left_out > 0) out += fmt::format("{}… ({} more lines)\n", indent, lines_left_out);
  return out;
}

const char* HtmlEntityOf(char c) {
  switch (c) {
    case '&':
      return "&amp;";
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    case '"':
      return "&quot;";
    case '\'':
      return "&#39;";
    default:
      return nullptr;
  }
}

std::string HtmlEscape(std::string_view text) {
  std::string escaped;
  for (char c : EscapeForDisplay(text, SIZE_MAX)) {
    if (const char* entity = HtmlEntityOf(c)) {
      escaped += entity;
    } else {
      escaped += c;
    }
  }
  return escaped;
}

}  // namespace labgrade
