// Engine::Save and Engine::Load (host/engine.h) over the engine file format
// (engine_file.h), and the stale-file rebuild.
#include <utility>

#include "graph/error.h"
#include "host/engine.h"
#include "host/engine_file/engine_file.h"
#include "host/host_backend.h"

namespace incept {

void Engine::Save(const std::string& path, const std::vector<Shape>& shapes) {
  if (shapes.empty()) throw Error(path + ": give at least one input shape to plan for");
  EngineFileContents contents;
  contents.device = device();
  contents.streams = options_.streams;
  contents.precision = options_.precision;
  contents.graph = graph_;
  contents.weights = weights_;
  for (const Shape& shape : shapes) contents.prepared.push_back(Prepare(shape));
  WriteEngineFile(path, contents);
}

std::unique_ptr<Engine> Engine::Load(const std::string& path, EngineOptions options) {
  return LoadEngineFile(path, std::move(options));
}

bool IsEngineFilePath(const std::string& path) {
  const std::string suffix = ".incept";
  return path.size() > suffix.size() &&
         path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::unique_ptr<Engine> LoadEngineFile(const std::string& path, EngineOptions options,
                                       bool rebuild_if_stale, std::string* notice) {
  return EngineFromContents(ReadEngineFile(path), path, std::move(options), rebuild_if_stale,
                            notice);
}

std::unique_ptr<Engine> EngineFromContents(EngineFileContents contents, const std::string& path,
                                           EngineOptions options, bool rebuild_if_stale,
                                           std::string* notice) {
  RegisterHostBackend();
  const std::vector<std::string> names = BackendNames();
  std::string backend = contents.device.backend;
  if (options.backend != "auto") backend = options.backend;
  bool known = false;
  for (const std::string& name : names) known |= name == backend;
  if (!known) throw Error(path + ": backend \"" + backend + "\" is not in this build");
  const DeviceKey here = CreateBackend(backend)->Device();
  const std::string mismatch = EngineFileMismatch(contents, here);
  options.streams = contents.streams;
  // The file's precision is the engine's: its plans, formats and tactics were made for it.
  if (options.precision != Precision::kFp32 && options.precision != contents.precision)
    throw Error(path + ": built for precision " + std::string(PrecisionName(contents.precision)) +
                ", not " + PrecisionName(options.precision) +
                ": build another engine file (incept build --precision)");
  options.precision = contents.precision;
  if (mismatch.empty()) {
    Engine::Planned planned{std::move(contents.graph), std::move(contents.weights),
                            std::move(contents.prepared)};
    return std::make_unique<Engine>(std::move(planned), backend, std::move(options));
  }
  if (!rebuild_if_stale)
    throw Error(path + ": " + mismatch + ": rebuild it (incept build, or --rebuild-if-stale)");
  // Rebuilt from the file's optimised graph and weights: no passes again, new plans and
  // tactics for the same input shapes, then the file replaced.
  std::vector<Shape> shapes;
  for (const Engine::Prepared& p : contents.prepared)
    shapes.push_back(p.graph.nodes[p.graph.InputIndices()[0]].shape);
  // No plans given: each shape is planned, its reduce fusions chosen, when Save asks.
  Engine::Planned unplanned{std::move(contents.graph), std::move(contents.weights), {}};
  auto engine = std::make_unique<Engine>(std::move(unplanned), backend, options);
  engine->Save(path, shapes);
  if (notice) *notice = path + " was stale (" + mismatch + "): rebuilt and rewritten";
  return engine;
}

}  // namespace incept
