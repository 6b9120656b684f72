// The baseline of the benchmarks: a bare YAML parse of the repository's files with yaml-cpp
// (YAML::LoadAllFromFile), nothing else. Whatever `reconcile validate` or `plan` spends beyond
// this is the reconciler's own work.
//
//   bench/yaml_parse DIR     parses every *.yaml file under DIR; prints files, documents, seconds
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: yaml_parse DIR\n");
        return 2;
    }
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::recursive_directory_iterator(argv[1]))
        if (e.is_regular_file() && e.path().extension() == ".yaml") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    const auto start = std::chrono::steady_clock::now();
    std::size_t documents = 0;
    for (const auto& f : files) documents += YAML::LoadAllFromFile(f.string()).size();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("files=%zu documents=%zu seconds=%.3f\n", files.size(), documents, seconds);
    return 0;
}
