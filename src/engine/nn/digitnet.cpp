// digitnet.cpp — DigitNet's layout (see digitnet.h) and its safetensors save/load.
#include "digitnet.h"

#include "layers.h"
#include "mbconv.h"
#include "pool_layers.h"
#include "sequential.h"
#include "walk.h"

namespace cs {

std::unique_ptr<Model> make_digitnet_model(uint32_t seed) {
  Rng rng(seed);
  auto model = std::make_unique<Model>();

  auto stem = std::make_unique<Sequential>();
  stem->add(LayerPtr(new Conv2d({1, 16, {3, 3}, {1, 1}, {1, 1}, {1, 1}, 1, false}, rng)), "0", "conv");
  stem->add(LayerPtr(new BatchNorm2d(16, kDigitNetBnEps)), "1", "bn");
  stem->add(make_activation(Activation::SiLU), "2", "act");
  model->add(std::move(stem), "stem");

  // Blocks are traced as block1..block4 (the "blocks" container itself is transparent).
  auto blocks = std::make_unique<Sequential>();
  struct Spec { int in, out, expand, stride; };
  const Spec specs[] = {{16, 24, 1, 2}, {24, 24, 4, 1}, {24, 40, 4, 2}, {40, 40, 4, 1}};
  int i = 0;
  for (const Spec& s : specs) {
    MBConvOptions o;
    o.in_channels = s.in;
    o.out_channels = s.out;
    o.expand_ratio = s.expand;
    o.stride = s.stride;
    o.se_ratio = 0.25f;
    o.activation = Activation::SiLU;
    o.bn_eps = kDigitNetBnEps;
    blocks->add(LayerPtr(new MBConv(o, rng)), std::to_string(i), "block" + std::to_string(i + 1));
    ++i;
  }
  model->add(std::move(blocks), "blocks", std::string());

  auto head = std::make_unique<Sequential>();
  head->add(LayerPtr(new Conv2d({40, 128, {1, 1}, {1, 1}, {0, 0}, {1, 1}, 1, false}, rng)), "0", "conv");
  head->add(LayerPtr(new BatchNorm2d(128, kDigitNetBnEps)), "1", "bn");
  head->add(make_activation(Activation::SiLU), "2", "act");
  model->add(std::move(head), "head");
  model->add(LayerPtr(new AdaptiveAvgPool2d({1, 1})), "pool");
  model->add(LayerPtr(new Flatten()), "flatten");
  model->add(LayerPtr(new Linear(128, 10, rng)), "fc");
  return model;
}

std::map<std::string, std::string> digitnet_metadata(const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> m = extra;
  m["architecture"] = kDigitNetArchitecture;
  m["format_version"] = "1";
  m["bn_eps"] = "1e-05";
  m["input"] = "(N, 1, 28, 28) float32, ink 1 on 0, values in [0, 1]";
  m["engine"] = std::string("convscope ") + CS_VERSION;
  return m;
}

SafeTensors digitnet_state(Model& model, const std::map<std::string, std::string>& extra_metadata) {
  SafeTensors st;
  for (const NamedTensor& t : model.state_dict())
    if (!t.integer) st.tensors.emplace(t.name, *t.value);
  st.metadata = digitnet_metadata(extra_metadata);
  return st;
}

Status load_digitnet_state(Model& model, const SafeTensors& st, const std::string& source) {
  auto arch = st.metadata.find("architecture");
  if (arch != st.metadata.end() && arch->second != kDigitNetArchitecture)
    return Status::error(fmt("%s: architecture is '%s', expected '%s'", source.c_str(), arch->second.c_str(),
                             kDigitNetArchitecture));
  std::vector<LoadedTensor> src;
  src.reserve(st.tensors.size());
  for (const auto& kv : st.tensors) src.push_back(LoadedTensor{kv.first, kv.second});
  Status s = load_state_dict(model, src, /*strict=*/true);
  if (!s) return Status::error(source + ": " + s.message());
  return Status::ok();
}

Status save_digitnet(Model& model, const std::string& path, const std::map<std::string, std::string>& extra) {
  return write_safetensors(path, digitnet_state(model, extra));
}

Result<std::unique_ptr<Model>> load_digitnet(const std::string& path) {
  Result<SafeTensors> st = read_safetensors(path);
  if (!st) return st.status();
  std::unique_ptr<Model> model = make_digitnet_model(0);
  CS_RETURN_IF_ERROR(load_digitnet_state(*model, *st, path));
  model->eval();
  return Result<std::unique_ptr<Model>>(std::move(model));
}

}  // namespace cs

namespace cs {
std::vector<SeBlock> digitnet_se_blocks(Model& model) {
  std::vector<SeBlock> out;
  for (auto& [path, se] : find_layers<SqueezeExcite>(model.root())) out.push_back(SeBlock{path, se});
  return out;
}
}  // namespace cs
