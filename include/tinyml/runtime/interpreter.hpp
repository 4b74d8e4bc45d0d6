// SPDX-License-Identifier: Apache-2.0
// Interpreter: loads a TFLite model from bytes into one caller-provided arena and runs it.
//
// Arena layout. The arena is split in two: the head holds activations (and, during load only,
// the planner's per-tensor records), planned by tensor lifetimes (planner/greedy_planner.hpp); the
// tail holds persistent data that lives as long as the interpreter: the per-tensor data-pointer
// table, the op table, each op's precomputed parameters and per-channel multipliers/shifts. The
// arena size needed is align16(persistent) + max(activation plan, planner records).
//
// Load sequence (init): structural verification -> model-level semantic checks (version, tensor
// shapes, buffer sizes and ranges, indices, dataflow order) -> per-op prepare (types, shapes,
// options, quantization; precomputes kernel arguments into the tail) -> activation planning ->
// arena size check. Everything that can be wrong about a model is found here, never at invoke.
//
// If the arena cannot even hold the persistent data and planner records, the exact need cannot be
// computed in place; the error then states a lower bound and arena_bytes_needed() returns it
// (tools such as `tinyml info` load with a generous arena to obtain the exact figure).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "tinyml/arch/native.hpp"
#include "tinyml/core/shape.hpp"
#include "tinyml/core/status.hpp"
#include "tinyml/model/op_names.hpp"
#include "tinyml/model/reader.hpp"
#include "tinyml/model/verify.hpp"
#include "tinyml/ops/op_set.hpp"
#include "tinyml/planner/greedy_planner.hpp"
#include "tinyml/runtime/context.hpp"

namespace tinyml {
inline namespace TINYML_ABI {

/// A tensor as the API exposes it: data, shape, type and quantization.
struct TensorRef {
  void* data = nullptr;          ///< null for tensors that are never materialised
  std::size_t bytes = 0;
  model::TensorType type = model::TensorType::kFloat32;
  Shape shape;
  float scale = 0.0f;            ///< first quantization scale (0 if unquantized)
  std::int32_t zero_point = 0;
  const char* name = "";
  std::int32_t index = -1;

  template <class T>
  T* as() const noexcept {
    return static_cast<T*>(data);
  }
};

/// Per-operator facts for tools (`tinyml info`, per-op profiles).
struct OpInfo {
  const char* name = "";
  std::int32_t builtin = -1;
  std::int32_t output = -1;  ///< first output tensor
  std::uint64_t macs = 0;
};

template <class Ops, class Arch = arch::Native>
class Interpreter {
 public:
  using OpSetType = Ops;
  using ArchType = Arch;

  Interpreter() = default;
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;

  /// Loads `model` (TFLite FlatBuffer, kModelAlignment-aligned, must outlive the interpreter:
  /// weights are used in place) into `arena` (kArenaAlignment-aligned).
  /// Returns kOk, or kInvalidModel / kUnsupportedOp / kUnsupportedType / kBadQuantization /
  /// kShapeMismatch / kArenaTooSmall / kMisaligned with error_message() saying why.
  Status init(const void* model, std::size_t model_size, void* arena,
              std::size_t arena_size) noexcept {
    ready_ = false;
    diag_.clear();
    needed_ = 0;
    model_ = static_cast<const std::uint8_t*>(model);
    model_size_ = model_size;
    arena_ = static_cast<std::uint8_t*>(arena);
    status_ = load(arena_size);
    ready_ = status_ == Status::kOk;
    if (ready_) diag_.clear();
    return status_;
  }

  /// Load-time options (see runtime::Options); apply to the next init().
  void set_options(const runtime::Options& o) noexcept { options_ = o; }
  const runtime::Options& options() const noexcept { return options_; }

  /// Runs the model with this interpreter's arch kernels.
  Status invoke() noexcept { return invoke_with<Arch>(); }

  /// Runs the model with the kernels of another arch (e.g. arch::Generic, the reference).
  /// Valid for A = Arch and A = arch::Generic (the reference needs no scratch).
  template <class A>
  Status invoke_with() noexcept {
    static_assert(std::is_same_v<A, Arch> || std::is_same_v<A, arch::Generic>,
                  "scratch was planned for Arch; only Arch and the reference may run");
    if (!ready_) return Status::kBadArgument;
    for (std::uint32_t i = 0; i < num_ops_; ++i) {
      Ops::template kEval<A>[op_kind_[i]](op_params_[i], runtime::EvalContext{tensor_data_, op_scratch_[i]});
    }
    return Status::kOk;
  }

  Status status() const noexcept { return status_; }
  /// Why the last init failed ("" after success or with TINYML_NO_ERROR_STRINGS).
  const char* error_message() const noexcept { return diag_.c_str(); }

  /// Arena bytes this model needs (exact after init returned kOk or, in nearly all cases,
  /// kArenaTooSmall; see the file comment).
  std::size_t arena_bytes_needed() const noexcept { return needed_; }
  std::size_t arena_used_bytes() const noexcept { return ready_ ? needed_ : 0; }
  std::size_t persistent_bytes() const noexcept { return persistent_; }
  std::size_t activation_bytes() const noexcept { return activations_; }

  std::size_t num_inputs() const noexcept { return model::size_of(graph_.inputs()); }
  std::size_t num_outputs() const noexcept { return model::size_of(graph_.outputs()); }
  std::size_t num_tensors() const noexcept { return num_tensors_; }
  std::size_t num_ops() const noexcept { return num_ops_; }

  TensorRef input(std::size_t i) const noexcept {
    return i < num_inputs() ? tensor(graph_.inputs()->Get(static_cast<std::uint32_t>(i))) : TensorRef{};
  }
  TensorRef output(std::size_t i) const noexcept {
    return i < num_outputs() ? tensor(graph_.outputs()->Get(static_cast<std::uint32_t>(i))) : TensorRef{};
  }
  TensorRef tensor(std::int32_t index) const noexcept {
    TensorRef r;
    if (!ready_ || index < 0 || static_cast<std::uint32_t>(index) >= num_tensors_) return r;
    const model::TensorView t = graph_.tensor(static_cast<std::uint32_t>(index));
    r.index = index;
    r.data = tensor_data_[index];
    r.type = t.type();
    r.name = t.name();
    const auto* dims = t.shape();
    r.shape.rank = static_cast<std::int32_t>(model::size_of(dims));
    for (std::int32_t d = 0; d < r.shape.rank; ++d) r.shape.dims[d] = dims->Get(static_cast<std::uint32_t>(d));
    r.bytes = static_cast<std::size_t>(r.shape.elements()) * model::element_size(r.type);
    const model::QuantView q = t.quantization();
    if (q && model::size_of(q.scale()) > 0) r.scale = q.scale()->Get(0);
    if (q && model::size_of(q.zero_point()) > 0) r.zero_point = static_cast<std::int32_t>(q.zero_point()->Get(0));
    return r;
  }
  OpInfo op_info(std::size_t i) const noexcept {
    OpInfo o;
    if (!ready_ || i >= num_ops_) return o;
    o.name = Ops::kNames[op_kind_[i]];
    const model::OperatorView op = graph_.op(static_cast<std::uint32_t>(i));
    o.builtin = model_view().opcode(op.opcode_index()).builtin_code();
    o.output = model::size_of(op.outputs()) > 0 ? op.outputs()->Get(0) : -1;
    o.macs = Ops::kMacs[op_kind_[i]](op_params_[i]);
    return o;
  }
  /// Runs op i alone (for per-op profiling); inputs must have been computed.
  template <class A = Arch>
  void invoke_op(std::size_t i) noexcept {
    static_assert(std::is_same_v<A, Arch> || std::is_same_v<A, arch::Generic>,
                  "scratch was planned for Arch; only Arch and the reference may run");
    if (ready_ && i < num_ops_) {
      Ops::template kEval<A>[op_kind_[i]](op_params_[i],
                                          runtime::EvalContext{tensor_data_, op_scratch_[i]});
    }
  }

 private:
  static constexpr std::int32_t kNotProduced = 0x7FFFFFFF;

  model::ModelView model_view() const noexcept { return model::root(model_); }

  Status fail(Status s) noexcept { return s; }

  Status load(std::size_t arena_size) noexcept {
    if (arena_ == nullptr || reinterpret_cast<std::uintptr_t>(arena_) % kArenaAlignment != 0) {
      diag_ << "arena must be non-null and " << static_cast<int>(kArenaAlignment) << "-byte aligned";
      return Status::kMisaligned;
    }
    TINYML_TRY(model::verify_structure(model_, model_size_, diag_));
    const model::ModelView m = model_view();
    if (m.version() != 3) {
      diag_ << "model schema version " << m.version() << " is not 3";
      return Status::kInvalidModel;
    }
    if (model::size_of(m.subgraphs()) < 1 || model::size_of(m.buffers()) < 1) {
      diag_ << "model has no subgraph or no buffers";
      return Status::kInvalidModel;
    }
    graph_ = m.subgraph(0);
    num_tensors_ = graph_.num_tensors();
    num_ops_ = graph_.num_ops();
    if (num_tensors_ == 0 || num_tensors_ > 0xFFFF || num_ops_ > 0xFFFF) {
      diag_ << "model has " << num_tensors_ << " tensors and " << num_ops_
            << " ops; supported: 1..65535 of each";
      return Status::kInvalidModel;
    }

    const std::size_t usable = arena_size & ~(kArenaAlignment - 1);
    alloc_.reset(arena_, arena_ + usable);
    tensor_data_ = alloc_.array<std::uint8_t*>(num_tensors_);
    op_params_ = alloc_.array<const void*>(num_ops_);
    op_scratch_ = alloc_.array<void*>(num_ops_);
    op_kind_ = alloc_.array<std::uint8_t>(num_ops_);
    if (alloc_.overflow()) return too_small_lower_bound(arena_size);
    for (std::uint32_t i = 0; i < num_tensors_; ++i) tensor_data_[i] = nullptr;

    // Planner records live in the head while loading: one per tensor, then one per op for the
    // op's kernel scratch (live only during that op).
    const std::size_t records_bytes = sizeof(planner::PlanEntry) * num_records();
    if (records_bytes + alloc_.used() > usable) return too_small_lower_bound(arena_size);
    auto* plan = reinterpret_cast<planner::PlanEntry*>(arena_);

    TINYML_TRY(check_tensors(m, plan));
    TINYML_TRY(check_dataflow(m, plan));
    TINYML_TRY(prepare_ops(m, plan, records_bytes, arena_size));

    const std::uint64_t act = planner::greedy_plan(plan, num_records(), kTensorAlignment);
    if (act == planner::kPlanTooLarge) {
      diag_ << "activation plan exceeds 4 GiB";
      return Status::kArenaTooSmall;
    }
    activations_ = static_cast<std::size_t>(act);
    persistent_ = alloc_.used();
    const std::size_t head = activations_ > records_bytes ? activations_ : records_bytes;
    needed_ = planner::align_up(head, kArenaAlignment) + planner::align_up(persistent_, kArenaAlignment);
    if (needed_ > arena_size) {
      diag_ << "arena too small: " << static_cast<unsigned long long>(arena_size)
            << " bytes given, " << static_cast<unsigned long long>(needed_) << " bytes required";
      return Status::kArenaTooSmall;
    }
    for (std::uint32_t i = 0; i < num_tensors_; ++i) {
      if (plan[i].size > 0) tensor_data_[i] = arena_ + plan[i].offset;
    }
    for (std::uint32_t i = 0; i < num_ops_; ++i) {
      const planner::PlanEntry& e = plan[num_tensors_ + i];
      op_scratch_[i] = e.size > 0 ? arena_ + e.offset : nullptr;
    }
    return Status::kOk;
  }

  std::size_t num_records() const noexcept {
    return static_cast<std::size_t>(num_tensors_) + num_ops_;
  }

  Status too_small_lower_bound(std::size_t arena_size) noexcept {
    needed_ = alloc_.used() + sizeof(planner::PlanEntry) * num_records();
    if (needed_ <= arena_size) needed_ = arena_size + 1;
    diag_ << "arena too small: " << static_cast<unsigned long long>(arena_size)
          << " bytes given, at least " << static_cast<unsigned long long>(needed_)
          << " bytes required (exact figure: `tinyml info`)";
    return Status::kArenaTooSmall;
  }

  /// Shapes, types, buffers: every tensor is sane, constants point at correctly sized data.
  Status check_tensors(const model::ModelView& m, planner::PlanEntry* plan) noexcept {
    const std::uint32_t num_buffers = model::size_of(m.buffers());
    for (std::uint32_t i = 0; i < num_tensors_; ++i) {
      const model::TensorView t = graph_.tensor(i);
      plan[i] = planner::PlanEntry{};
      const auto* shape = t.shape();
      const std::uint32_t rank = model::size_of(shape);
      if (rank > static_cast<std::uint32_t>(kMaxRank)) {
        diag_ << "tensor " << i << " has rank " << rank << " (max " << kMaxRank << ")";
        return Status::kInvalidModel;
      }
      std::uint64_t elems = 1;
      for (std::uint32_t d = 0; d < rank; ++d) {
        const std::int32_t v = shape->Get(d);
        if (v <= 0) {
          diag_ << "tensor " << i << " has non-positive dimension " << v;
          return Status::kInvalidModel;
        }
        elems *= static_cast<std::uint64_t>(v);
        if (elems > 0x7FFFFFFFull) {
          diag_ << "tensor " << i << " has more than 2^31 elements";
          return Status::kInvalidModel;
        }
      }
      const std::uint32_t esize = model::element_size(t.type());
      const std::uint64_t bytes = elems * esize;
      if (bytes > 0x7FFFFFFFull) {
        diag_ << "tensor " << i << " is larger than 2 GiB";
        return Status::kInvalidModel;
      }
      if (t.is_variable()) {
        diag_ << "tensor " << i << " is a variable tensor (unsupported)";
        return Status::kUnsupportedType;
      }
      if (t.has_sparsity()) {
        diag_ << "tensor " << i << " is sparse (unsupported)";
        return Status::kUnsupportedType;
      }
      const std::uint32_t b = t.buffer();
      if (b >= num_buffers) {
        diag_ << "tensor " << i << " refers to buffer " << b << " of " << num_buffers;
        return Status::kInvalidModel;
      }
      const model::BufferView buf = m.buffer(b);
      const std::uint8_t* data = nullptr;
      std::uint64_t data_size = 0;
      if (buf && buf.offset() > 1) {
        // Large-model layout: data stored after the FlatBuffer at an absolute file offset.
        data_size = buf.size();
        if (buf.offset() > model_size_ || data_size > model_size_ - buf.offset()) {
          diag_ << "buffer " << b << " (offset/size) lies outside the model bytes";
          return Status::kInvalidModel;
        }
        data = data_size > 0 ? model_ + buf.offset() : nullptr;
      } else if (buf && buf.data() != nullptr && buf.data()->size() > 0) {
        data = buf.data()->data();
        data_size = buf.data()->size();
      }
      if (data != nullptr) {
        if (esize == 0) {
          diag_ << "tensor " << i << " has constant data of unsupported type "
                << model::type_name(t.type());
          return Status::kUnsupportedType;
        }
        if (data_size != bytes) {
          diag_ << "tensor " << i << " has " << static_cast<unsigned long long>(data_size)
                << " bytes of data but its shape needs " << static_cast<unsigned long long>(bytes);
          return Status::kInvalidModel;
        }
        const std::uint32_t align = esize > 8 ? 8 : esize;
        if (reinterpret_cast<std::uintptr_t>(data) % align != 0) {
          diag_ << "tensor " << i << " data is not " << align << "-byte aligned in the model";
          return Status::kInvalidModel;
        }
        tensor_data_[i] = const_cast<std::uint8_t*>(data);  // constants are never written
      } else {
        plan[i].size = static_cast<std::uint32_t>(bytes);
        if (esize == 0) plan[i].size = 0;  // strings etc.: refused if any op touches them
      }
      plan[i].first = kNotProduced;
      plan[i].last = -1;
    }
    return Status::kOk;
  }

  /// Indices in range; every activation an op reads was written earlier (or is a graph input);
  /// nothing is written twice. Fills each activation's lifetime [first, last].
  Status check_dataflow(const model::ModelView& m, planner::PlanEntry* plan) noexcept {
    const auto* gin = graph_.inputs();
    const auto* gout = graph_.outputs();
    for (std::uint32_t k = 0; k < model::size_of(gin); ++k) {
      const std::int32_t t = gin->Get(k);
      if (t < 0 || static_cast<std::uint32_t>(t) >= num_tensors_) {
        diag_ << "graph input " << k << " refers to tensor " << t << " of " << num_tensors_;
        return Status::kInvalidModel;
      }
      if (tensor_data_[t] != nullptr || plan[t].size == 0) {
        diag_ << "graph input tensor " << t << " is constant or of unsupported type";
        return Status::kInvalidModel;
      }
      plan[t].first = 0;
      plan[t].last = 0;
    }
    const std::uint32_t num_codes = model::size_of(m.operator_codes());
    for (std::uint32_t i = 0; i < num_ops_; ++i) {
      const model::OperatorView op = graph_.op(i);
      if (op.opcode_index() >= num_codes) {
        diag_ << "op " << i << " refers to operator code " << op.opcode_index() << " of "
              << num_codes;
        return Status::kInvalidModel;
      }
      const auto* ins = op.inputs();
      const auto* outs = op.outputs();
      for (std::uint32_t k = 0; k < model::size_of(ins); ++k) {
        const std::int32_t t = ins->Get(k);
        if (t == -1) continue;  // omitted optional input
        if (t < 0 || static_cast<std::uint32_t>(t) >= num_tensors_) {
          diag_ << "op " << i << " input " << k << " refers to tensor " << t << " of "
                << num_tensors_;
          return Status::kInvalidModel;
        }
        if (tensor_data_[t] != nullptr) continue;  // constant
        if (plan[t].first == kNotProduced) {
          diag_ << "op " << i << " reads tensor " << t << " before any op writes it";
          return Status::kInvalidModel;
        }
        if (static_cast<std::int32_t>(i) > plan[t].last) plan[t].last = static_cast<std::int32_t>(i);
      }
      if (model::size_of(outs) == 0) {
        diag_ << "op " << i << " has no outputs";
        return Status::kInvalidModel;
      }
      for (std::uint32_t k = 0; k < model::size_of(outs); ++k) {
        const std::int32_t t = outs->Get(k);
        if (t < 0 || static_cast<std::uint32_t>(t) >= num_tensors_) {
          diag_ << "op " << i << " output " << k << " refers to tensor " << t << " of "
                << num_tensors_;
          return Status::kInvalidModel;
        }
        if (tensor_data_[t] != nullptr || plan[t].first != kNotProduced) {
          diag_ << "op " << i << " writes tensor " << t
                << ", which is constant, a graph input or written by an earlier op";
          return Status::kInvalidModel;
        }
        plan[t].first = static_cast<std::int32_t>(i);
        plan[t].last = static_cast<std::int32_t>(i);
      }
    }
    for (std::uint32_t k = 0; k < model::size_of(gout); ++k) {
      const std::int32_t t = gout->Get(k);
      if (t < 0 || static_cast<std::uint32_t>(t) >= num_tensors_) {
        diag_ << "graph output " << k << " refers to tensor " << t << " of " << num_tensors_;
        return Status::kInvalidModel;
      }
      if (tensor_data_[t] == nullptr) {
        if (plan[t].first == kNotProduced) {
          diag_ << "graph output tensor " << t << " is never written";
          return Status::kInvalidModel;
        }
        plan[t].last = static_cast<std::int32_t>(num_ops_);  // live until the caller reads it
      }
    }
    // Activations nobody produces or reads need no memory.
    for (std::uint32_t t = 0; t < num_tensors_; ++t) {
      if (plan[t].first == kNotProduced) plan[t].size = 0;
    }
    return Status::kOk;
  }

  Status prepare_ops(const model::ModelView& m, planner::PlanEntry* plan,
                     std::size_t records_bytes, std::size_t arena_size) noexcept {
    runtime::PrepareContext ctx;
    ctx.model = m;
    ctx.graph = graph_;
    ctx.tensor_data = tensor_data_;
    ctx.alloc = &alloc_;
    ctx.diag = &diag_;
    ctx.options = options_;
    // Report every op this build does not implement at all, by index and name.
    bool unsupported = false;
    for (std::uint32_t i = 0; i < num_ops_; ++i) {
      const std::int32_t code = m.opcode(graph_.op(i).opcode_index()).builtin_code();
      if (Ops::find(code) < 0) {
        diag_ << (unsupported ? ", " : "unsupported op(s): ") << "op " << i << " "
              << model::builtin_name(code);
        unsupported = true;
      }
    }
    if (unsupported) return Status::kUnsupportedOp;
    for (std::uint32_t i = 0; i < num_ops_; ++i) {
      const model::OperatorView op = graph_.op(i);
      const std::int32_t code = m.opcode(op.opcode_index()).builtin_code();
      ctx.op = op;
      ctx.op_index = i;
      // The first op of this builtin code that accepts the tensor types; if none does (e.g.
      // float32 tensors in an int8-only build, or a malformed model), the first op of the code,
      // whose prepare says precisely what it cannot take.
      int kind = Ops::find(code, ctx);
      if (kind < 0) kind = Ops::find(code);
      void* params = alloc_.allocate(Ops::kParamsSize[kind], Ops::kParamsAlign[kind]);
      if (params == nullptr || alloc_.used() + records_bytes > (arena_size & ~(kArenaAlignment - 1))) {
        return too_small_lower_bound(arena_size);
      }
      std::memset(params, 0, Ops::kParamsSize[kind]);
      ctx.op = op;
      ctx.op_index = i;
      ctx.scratch_bytes = 0;
      diag_ << "op " << i << " (" << Ops::kNames[kind] << "): ";
      const Status s = Ops::template kPrepare<Arch>[kind](ctx, params);
      if (s == Status::kArenaTooSmall || alloc_.used() + records_bytes > (arena_size & ~(kArenaAlignment - 1))) {
        diag_.clear();
        return too_small_lower_bound(arena_size);
      }
      if (s != Status::kOk) return s;
      diag_.clear();
      op_params_[i] = params;
      op_kind_[i] = static_cast<std::uint8_t>(kind);
      plan[num_tensors_ + i] = planner::PlanEntry{ctx.scratch_bytes, static_cast<std::int32_t>(i),
                                                  static_cast<std::int32_t>(i), 0};
    }
    return Status::kOk;
  }

  const std::uint8_t* model_ = nullptr;
  std::size_t model_size_ = 0;
  std::uint8_t* arena_ = nullptr;
  model::SubGraphView graph_;
  std::uint32_t num_tensors_ = 0;
  std::uint32_t num_ops_ = 0;
  std::uint8_t** tensor_data_ = nullptr;
  const void** op_params_ = nullptr;
  void** op_scratch_ = nullptr;
  std::uint8_t* op_kind_ = nullptr;
  runtime::PersistentAllocator alloc_;
  runtime::Options options_;
  std::size_t needed_ = 0;
  std::size_t persistent_ = 0;
  std::size_t activations_ = 0;
  Status status_ = Status::kOk;  // zero-initialised so a static Interpreter lives in .bss
  bool ready_ = false;
  Diag diag_;
};

}  // namespace TINYML_ABI
}  // namespace tinyml
