// SPDX-License-Identifier: Apache-2.0
// Replays every input in tests/fuzz/regressions/ (past fuzzer crashers) through the fuzz target,
// so each stays fixed; under the sanitizer build a regression aborts the test.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <dirent.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main() {
  const std::string dir = std::string(TINYML_SOURCE_DIR) + "/tests/fuzz/regressions";
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) {
    std::printf("no regressions folder\n0 passed, 1 failed\n");
    return 1;
  }
  int n = 0;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    const std::string path = dir + "/" + e->d_name;
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) continue;
    std::vector<std::uint8_t> bytes;
    int c;
    while ((c = std::fgetc(f)) != EOF) bytes.push_back(static_cast<std::uint8_t>(c));
    std::fclose(f);
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
    std::printf("replayed %s (%zu bytes)\n", e->d_name, bytes.size());
    ++n;
  }
  closedir(d);
  std::printf("%d passed, 0 failed\n", n);
  return 0;
}
