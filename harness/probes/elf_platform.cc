#include "harness/probes/elf_platform.h"

#include <elf.h>
#include <gnu/libc-version.h>
#include <sys/utsname.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>

#include <fmt/format.h>

namespace labgrade {
namespace {

namespace fs = std::filesystem;

// Executables of a lab's reference are small; anything larger is not one of them.
constexpr std::uintmax_t kMaxExecutableBytes = 256u << 20;

/// The name `uname -m` gives the processor an ELF e_machine is built for; one name per family
/// that can run the other's executables (i386 for i486..i686, arm for armv6l, armv7l).
std::string MachineName(unsigned e_machine, int word_bits, bool little_endian) {
  switch (e_machine) {
    case EM_X86_64:
      return "x86_64";
    case EM_386:
      return "i386";
    case EM_AARCH64:
      return "aarch64";
    case EM_ARM:
      return "arm";
    case EM_RISCV:
      return word_bits == 64 ? "riscv64" : "riscv32";
    case EM_PPC64:
      return little_endian ? "ppc64le" : "ppc64";
    case EM_S390:
      return "s390x";
    case EM_LOONGARCH:
      return "loongarch64";
    case EM_MIPS:
      return word_bits == 64 ? "mips64" : "mips";
    default:
      return fmt::format("ELF machine {}", e_machine);
  }
}

/// uname's machine in MachineName's families.
std::string MachineFamily(const std::string& uname_machine) {
  if (uname_machine.size() == 4 && uname_machine[0] == 'i' && uname_machine.ends_with("86"))
    return "i386";
  if (uname_machine.starts_with("armv")) return "arm";
  return uname_machine;
}

/// A bounds-checked view of the file's bytes.
class Bytes {
 public:
  explicit Bytes(std::string data) : data_(std::move(data)) {}
  bool StartsWith(std::string_view prefix) const { return data_.starts_with(prefix); }
  bool Has(std::uint64_t offset, std::uint64_t length) const {
    return offset <= data_.size() && length <= data_.size() - offset;
  }
  template <typename T>
  T At(std::uint64_t offset) const {  // call only after Has(offset, sizeof(T))
    T value;
    std::memcpy(&value, data_.data() + offset, sizeof(T));
    return value;
  }
  /// The NUL-terminated string at `offset`, not reaching past `end`; nullopt when unterminated.
  std::optional<std::string> CString(std::uint64_t offset, std::uint64_t end) const {
    end = std::min<std::uint64_t>(end, data_.size());
    if (offset >= end) return std::nullopt;
    const char* start = data_.data() + offset;
    const void* nul = std::memchr(start, '\0', end - offset);
    if (nul == nullptr) return std::nullopt;
    return std::string(start, static_cast<const char*>(nul));
  }

 private:
  std::string data_;
};

/// The GLIBC_ versions of the version-needed section (SHT_GNU_verneed, whose sh_link names
/// its string table): the libraries and versions the dynamic linker must find.
template <typename Ehdr, typename Shdr>
std::optional<std::string> ReadGlibcVersions(const Bytes& bytes, const Ehdr& header,
                                             std::set<std::string>& versions) {
  if (header.e_shoff == 0 || header.e_shnum == 0) return std::nullopt;  // no sections: unknown
  if (header.e_shentsize != sizeof(Shdr) ||
      !bytes.Has(header.e_shoff, std::uint64_t{header.e_shnum} * sizeof(Shdr)))
    return "truncated section headers";
  auto section = [&](std::size_t i) { return bytes.At<Shdr>(header.e_shoff + i * sizeof(Shdr)); };
  for (std::size_t i = 0; i < header.e_shnum; ++i) {
    const Shdr need = section(i);
    if (need.sh_type != SHT_GNU_verneed) continue;
    if (need.sh_link >= header.e_shnum) return "a version section names no string table";
    const Shdr strings = section(need.sh_link);
    const std::uint64_t strings_end = std::uint64_t{strings.sh_offset} + strings.sh_size;
    std::uint64_t entry = need.sh_offset;
    // Each Verneed names a library and chains its Vernaux versions; both chains are bounded by
    // the section's size, so a malformed file cannot loop for long.
    for (std::size_t n = 0; n < need.sh_size / sizeof(Elf64_Verneed) + 1; ++n) {
      if (!bytes.Has(entry, sizeof(Elf64_Verneed))) return "truncated version section";
      const auto verneed = bytes.At<Elf64_Verneed>(entry);
      std::uint64_t aux = entry + verneed.vn_aux;
      for (unsigned k = 0; k < verneed.vn_cnt; ++k) {
        if (!bytes.Has(aux, sizeof(Elf64_Vernaux))) return "truncated version section";
        const auto vernaux = bytes.At<Elf64_Vernaux>(aux);
        const std::optional<std::string> name =
            bytes.CString(std::uint64_t{strings.sh_offset} + vernaux.vna_name, strings_end);
        if (!name) return "a version name outside its string table";
        // GLIBC_2.34, not GLIBC_PRIVATE.
        if (name->starts_with("GLIBC_") && name->size() > 6 && std::isdigit((*name)[6]))
          versions.insert(name->substr(6));
        if (vernaux.vna_next == 0) break;
        aux += vernaux.vna_next;
      }
      if (verneed.vn_next == 0) break;
      entry += verneed.vn_next;
    }
  }
  return std::nullopt;
}

template <typename Ehdr, typename Phdr, typename Shdr>
std::variant<ElfNeeds, std::string> ReadNeeds(const Bytes& bytes, ElfNeeds needs) {
  if (!bytes.Has(0, sizeof(Ehdr))) return "truncated ELF header";
  const auto header = bytes.At<Ehdr>(0);
  needs.machine = MachineName(header.e_machine, needs.word_bits, needs.little_endian);
  if (header.e_type != ET_EXEC && header.e_type != ET_DYN) return "not an executable";
  if (header.e_phentsize != sizeof(Phdr) ||
      !bytes.Has(header.e_phoff, std::uint64_t{header.e_phnum} * sizeof(Phdr)))
    return "truncated program headers";
  for (std::size_t i = 0; i < header.e_phnum; ++i) {
    const auto program = bytes.At<Phdr>(header.e_phoff + i * sizeof(Phdr));
    if (program.p_type != PT_INTERP) continue;
    const std::optional<std::string> path =
        bytes.CString(program.p_offset, std::uint64_t{program.p_offset} + program.p_filesz);
    if (!path) return "a program interpreter path outside the file";
    needs.interpreter = *path;
  }
  std::set<std::string> versions;
  if (auto problem = ReadGlibcVersions<Ehdr, Shdr>(bytes, header, versions)) return *problem;
  needs.glibc_versions.assign(versions.begin(), versions.end());
  std::sort(needs.glibc_versions.begin(), needs.glibc_versions.end(), IsOlderVersion);
  return needs;
}

std::vector<unsigned long> VersionNumbers(const std::string& version) {
  std::vector<unsigned long> numbers;
  std::size_t at = 0;
  while (at <= version.size()) {
    std::size_t dot = version.find('.', at);
    if (dot == std::string::npos) dot = version.size();
    numbers.push_back(std::strtoul(version.substr(at, dot - at).c_str(), nullptr, 10));
    at = dot + 1;
  }
  return numbers;
}

}  // namespace

bool IsOlderVersion(const std::string& a, const std::string& b) {
  return VersionNumbers(a) < VersionNumbers(b);
}

std::string HighestGlibcVersion(const std::vector<std::string>& versions) {
  if (versions.empty()) return "";
  return *std::max_element(versions.begin(), versions.end(), IsOlderVersion);
}

std::variant<ElfNeeds, std::string> ReadElfNeeds(const fs::path& executable) {
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(executable, ec);
  if (ec) return fmt::format("cannot read {}: {}", executable.string(), ec.message());
  if (size > kMaxExecutableBytes)
    return fmt::format("{} is larger than {} MiB: not an executable of a lab", executable.string(),
                       kMaxExecutableBytes >> 20);
  std::ifstream file(executable, std::ios::binary);
  std::string data{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  if (!file && !file.eof())
    return fmt::format("cannot read {}: {}", executable.string(), std::strerror(errno));
  const Bytes bytes(std::move(data));
  if (!bytes.Has(0, EI_NIDENT) || !bytes.StartsWith(ELFMAG))
    return fmt::format("{} is not an ELF executable", executable.string());
  ElfNeeds needs;
  const auto elf_class = bytes.At<unsigned char>(EI_CLASS);
  const auto data_encoding = bytes.At<unsigned char>(EI_DATA);
  needs.word_bits = elf_class == ELFCLASS32 ? 32 : 64;
  needs.little_endian = data_encoding == ELFDATA2LSB;
  if ((elf_class != ELFCLASS32 && elf_class != ELFCLASS64) ||
      (data_encoding != ELFDATA2LSB && data_encoding != ELFDATA2MSB))
    return fmt::format("{} is an ELF file of an unknown class or byte order", executable.string());
  if (needs.little_endian != (std::endian::native == std::endian::little)) {
    // Fields of the other byte order are not read: only the processor, for the message.
    std::uint16_t e_machine = bytes.Has(18, 2) ? bytes.At<std::uint16_t>(18) : 0;
    e_machine = static_cast<std::uint16_t>((e_machine >> 8) | (e_machine << 8));
    needs.machine = MachineName(e_machine, needs.word_bits, needs.little_endian);
    return needs;
  }
  auto read = needs.word_bits == 64 ? ReadNeeds<Elf64_Ehdr, Elf64_Phdr, Elf64_Shdr>(bytes, needs)
                                    : ReadNeeds<Elf32_Ehdr, Elf32_Phdr, Elf32_Shdr>(bytes, needs);
  if (auto* problem = std::get_if<std::string>(&read))
    return fmt::format("{}: {}", executable.string(), *problem);
  return read;
}

MachineOffer ThisMachine() {
  MachineOffer offer;
  struct utsname name {};
  if (::uname(&name) == 0) offer.machine = name.machine;
  offer.glibc_version = ::gnu_get_libc_version();
  return offer;
}

std::optional<std::string> WhyItCannotRun(const ElfNeeds& needs, const MachineOffer& offer) {
  const bool native_order = needs.little_endian == (std::endian::native == std::endian::little);
  if (needs.machine != MachineFamily(offer.machine) || !native_order) {
    return fmt::format(
        "was built for {}{}, and this machine is {}", needs.machine,
        native_order ? "" : (needs.little_endian ? " (little-endian)" : " (big-endian)"),
        offer.machine);
  }
  if (!needs.interpreter.empty()) {
    std::error_code ec;
    const fs::path interpreter = offer.root / fs::path(needs.interpreter).relative_path();
    if (!fs::exists(interpreter, ec)) {
      return fmt::format(
          "needs the program interpreter {}, which this machine does not have (it was built for "
          "another C library or distribution)",
          needs.interpreter);
    }
  }
  const std::string highest = HighestGlibcVersion(needs.glibc_versions);
  if (!highest.empty() && IsOlderVersion(offer.glibc_version, highest)) {
    return fmt::format(
        "needs the GNU C library {} or later, and this machine has {} (it was built on a newer "
        "distribution)",
        highest, offer.glibc_version);
  }
  return std::nullopt;
}

}  // namespace labgrade
