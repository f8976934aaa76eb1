#include "harness/spec/value_readers.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "harness/spec/placeholders.h"
#include "harness/spec/signal_names.h"

namespace labgrade {
namespace {

/// What is wrong with the placeholders in one argv element, if anything. Every '{' opens one.
std::optional<std::string> PlaceholderProblem(std::string_view arg) {
  static const std::vector<std::string_view> kAllowed = {
      "{keyfile}", "{keyfile:NAME}", "{testdir}", "{labdir}", "{port}", "{port:NAME}"};
  std::size_t open = arg.find('{');
  while (open != std::string_view::npos) {
    const std::size_t close = arg.find('}', open);
    if (close == std::string_view::npos) {
      return fmt::format("'{{' without a closing '}}' in '{}'", arg);
    }
    const std::string_view name = arg.substr(open + 1, close - open - 1);
    if (!IsKeyFileName(name) && !IsPortPlaceholderName(name) && name != "testdir" &&
        name != "labdir") {
      const std::string placeholder(arg.substr(open, close - open + 1));
      return fmt::format("unknown placeholder '{}' ({})", placeholder,
                         NameHint(placeholder, kAllowed, "allowed"));
    }
    open = arg.find('{', close + 1);
  }
  return std::nullopt;
}

}  // namespace

std::vector<std::string_view> Views(const std::vector<std::string>& names) {
  return std::vector<std::string_view>(names.begin(), names.end());
}

bool IsSlug(std::string_view text) {
  if (text.empty()) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::optional<std::string> ReadSlug(const SpecMap& map, std::string_view key) {
  const std::optional<SpecNode> node = map.Get(key, Presence::kRequired);
  if (!node) return std::nullopt;
  std::optional<std::string> text = node->AsString();
  if (text && !IsSlug(*text)) {
    node->Error(fmt::format("'{}' must use only a-z, 0-9 and '-'", *text));
    return std::nullopt;
  }
  return text;
}

bool StaysInside(const std::filesystem::path& path) {
  if (path.empty() || path.has_root_path()) return false;
  return std::none_of(path.begin(), path.end(),
                      [](const std::filesystem::path& part) { return part == ".."; });
}

std::optional<std::string> ReadLabFile(const SpecNode& node, const std::filesystem::path& lab_dir) {
  std::optional<std::string> text = node.AsString();
  if (!text) return std::nullopt;
  if (!StaysInside(*text)) {
    node.Error(fmt::format("'{}' must be a path inside the lab folder (no absolute paths, no '..')",
                           *text));
    return std::nullopt;
  }
  std::error_code error;
  if (!std::filesystem::is_regular_file(lab_dir / *text, error)) {
    node.Error(fmt::format("'{}' is not a file in the lab folder", *text));
    return std::nullopt;
  }
  return text;
}

std::optional<std::string> ReadTestDirPath(const SpecNode& node) {
  std::optional<std::string> text = node.AsString();
  if (!text) return std::nullopt;
  const std::filesystem::path normal = std::filesystem::path(*text).lexically_normal();
  if (!StaysInside(*text) || normal == "." || normal.empty()) {
    node.Error(fmt::format(
        "'{}' must be a path inside the test folder (no absolute paths, no '..')", *text));
    return std::nullopt;
  }
  return text;
}

std::optional<unsigned> ReadMode(const SpecNode& node) {
  const std::optional<std::string> text = node.AsString();
  if (!text) return std::nullopt;
  const bool octal = text->size() == 4 && std::all_of(text->begin(), text->end(),
                                                      [](char c) { return c >= '0' && c <= '7'; });
  if (!octal) {
    node.Error(fmt::format("expected a mode of four octal digits like \"0644\", got '{}'", *text));
    return std::nullopt;
  }
  return static_cast<unsigned>(std::stoul(*text, nullptr, 8));
}

void ReadModeInto(const SpecMap& map, std::string_view key, unsigned& mode) {
  if (const std::optional<SpecNode> node = map.Get(key)) mode = ReadMode(*node).value_or(mode);
}

bool IsKeyFileName(std::string_view text) {
  constexpr std::string_view kPrefix = "keyfile:";
  if (text == "keyfile") return true;
  return text.starts_with(kPrefix) && IsSlug(text.substr(kPrefix.size()));
}

bool IsPortPlaceholderName(std::string_view text) {
  constexpr std::string_view kPrefix = "port:";
  if (text == "port") return true;
  // port:9877 would be a placeholder named 9877, not port 9877: refused, to avoid the mix-up.
  return text.starts_with(kPrefix) && IsSlug(text.substr(kPrefix.size())) &&
         !IsFixedPort(text.substr(kPrefix.size()));
}

std::optional<std::vector<std::string>> ReadArgv(const SpecNode& node) {
  const std::optional<std::vector<SpecNode>> elements = node.AsList();
  if (!elements) return std::nullopt;
  ErrorWatch watch(node.sink());
  std::vector<std::string> argv;
  for (const SpecNode& element : *elements) {
    const std::optional<std::string> arg = element.AsString();
    if (!arg) continue;
    if (const std::optional<std::string> problem = PlaceholderProblem(*arg)) {
      element.Error(*problem);
    }
    argv.push_back(*arg);
  }
  if (!watch.clean()) return std::nullopt;
  return argv;
}

std::optional<std::string> ReadKeyFile(const SpecMap& map) {
  const std::optional<SpecNode> node = map.Get("key_file");
  if (!node) return "keyfile";
  std::optional<std::string> text = node->AsString();
  if (text && !IsKeyFileName(*text)) {
    // A number is a fixed key, which has a key of its own; a bare NAME is most likely meant as
    // keyfile:NAME, the file {keyfile:NAME} names in argv.
    const bool number = !text->empty() && std::isdigit(static_cast<unsigned char>(text->front()));
    const std::string hint =
        number          ? fmt::format(" (a fixed key goes in 'key: {}', not in 'key_file')", *text)
        : IsSlug(*text) ? fmt::format(" (did you mean 'keyfile:{}'?)", *text)
                        : "";
    node->Error(
        fmt::format("expected keyfile or keyfile:NAME (NAME made of a-z, 0-9 and '-'), "
                    "got '{}'{}",
                    *text, hint));
    return std::nullopt;
  }
  return text;
}

std::optional<std::uint32_t> ReadSysvKey(const SpecNode& node) {
  const std::optional<std::string> text = node.AsString();
  if (!text) return std::nullopt;
  const bool hex =
      text->size() > 2 && (*text)[0] == '0' && ((*text)[1] == 'x' || (*text)[1] == 'X');
  const char* begin = text->data() + (hex ? 2 : 0);
  const char* end = text->data() + text->size();
  std::uint64_t value = 0;
  const auto [stop, error] = std::from_chars(begin, end, value, hex ? 16 : 10);
  if (begin == end || error != std::errc() || stop != end || value > 0xffffffffULL) {
    node.Error(fmt::format(
        "expected a System V key from 0x1 to 0xffffffff, such as 0x1234 (or 4660), got '{}'",
        *text));
    return std::nullopt;
  }
  if (value == 0) {
    node.Error(
        "0 is IPC_PRIVATE, a key no other process can look up: give a nonzero key such as 0x1234");
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(value);
}

std::optional<int> ReadSignal(const SpecNode& node) {
  const std::optional<std::string> text = node.AsString();
  if (!text) return std::nullopt;
  const std::optional<int> signal = SignalFromName(*text);
  if (!signal) {
    node.Error(fmt::format("expected a signal name like SIGTERM or a number from 1 to 64, got '{}'",
                           *text));
  }
  return signal;
}

void ReadProjId(const SpecMap& map, int& proj_id) {
  const std::optional<std::int64_t> value = map.Integer("proj_id", 1, 255);
  if (value) proj_id = static_cast<int>(*value);
}

std::optional<SysvKind> ReadSysvKind(const SpecMap& map) {
  const std::optional<SpecNode> node = map.Get("kind", Presence::kRequired);
  if (!node) return std::nullopt;
  return node->AsChoice<SysvKind>({{"semaphores", SysvKind::kSemaphoreSet},
                                   {"shared_memory", SysvKind::kSharedMemory},
                                   {"message_queue", SysvKind::kMessageQueue}});
}

std::optional<std::string> ReadPortName(const SpecMap& map, std::string_view key) {
  const std::optional<SpecNode> node = map.Get(key);
  if (!node) return "port";
  std::optional<std::string> text = node->AsString();
  if (text && !text->empty() && std::all_of(text->begin(), text->end(), ::isdigit)) {
    // A fixed port, for programs that hard-wire theirs: safe in the test's own network
    // namespace only (the scenario skips the test in host mode).
    const std::optional<std::int64_t> number = node->AsInteger(1, 65535);
    if (!number) return std::nullopt;
    return std::to_string(*number);
  }
  if (text && !IsPortPlaceholderName(*text)) {
    std::string hint;
    if (text->size() > 2 && text->front() == '{' && text->back() == '}') {
      hint = fmt::format(" (write it without braces: '{}')", text->substr(1, text->size() - 2));
    } else if (text->starts_with("port:") && IsFixedPort(text->substr(5))) {
      hint = fmt::format(" (a fixed port is a plain number: '{}')", text->substr(5));
    } else if (IsSlug(*text)) {
      hint = fmt::format(" (did you mean 'port:{}'?)", *text);
    }
    node->Error(fmt::format(
        "expected a port number, port or port:NAME (NAME made of a-z, 0-9 and '-', not only "
        "digits), got '{}'{}",
        *text, hint));
    return std::nullopt;
  }
  return text;
}

std::optional<StdinSource> ReadByteSource(const SpecMap& map, std::string_view file_key,
                                          const std::filesystem::path& lab_dir) {
  const std::optional<std::string> kind = map.OneOf({"text", file_key, "random_bytes"});
  if (!kind) return std::nullopt;
  if (*kind != "random_bytes" && map.Has("seed")) {
    map.node().ErrorAt(map.KeyMark("seed"), "'seed' goes only with 'random_bytes'");
    return std::nullopt;
  }
  if (*kind == "text") {
    const std::optional<std::string> text = map.String("text");
    if (text) return StdinText{*text};
  } else if (*kind == file_key) {
    const std::optional<std::string> path = ReadLabFile(*map.Get(file_key), lab_dir);
    if (path) return StdinFile{*path};
  } else {
    const std::optional<std::int64_t> size =
        map.Integer("random_bytes", 0, std::numeric_limits<std::int64_t>::max());
    const std::optional<SpecNode> seed_node = map.Get("seed");
    const std::optional<std::uint64_t> seed =
        seed_node ? seed_node->AsUnsigned() : std::optional<std::uint64_t>(0);
    if (size && seed) return StdinRandom{*size, *seed};
  }
  return std::nullopt;
}

}  // namespace labgrade
