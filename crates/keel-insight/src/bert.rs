//! The BERT encoder forward pass, on candle-nn.
//!
//! Written here rather than taken from candle-transformers: that crate holds
//! every model candle supports and adds about 165 s to a clean release build
//! on two cores, for ~150 lines we need. This is the plain post-LayerNorm
//! BERT of the original paper (and Hugging Face's `BertModel`) without the
//! pooler, which sentence-transformers does not use: embeddings (word +
//! position + token type, LayerNorm), then per layer self-attention and a
//! GELU feed-forward block, each followed by a residual LayerNorm.

use candle_core::{Module, Tensor};
use candle_nn::{Embedding, LayerNorm, Linear, VarBuilder, embedding, layer_norm, linear};
use serde::Deserialize;

/// The fields of a Hugging Face `config.json` that the forward pass needs.
#[derive(Debug, Clone, Deserialize)]
pub struct BertConfig {
    pub vocab_size: usize,
    pub hidden_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    pub intermediate_size: usize,
    pub hidden_act: String,
    pub max_position_embeddings: usize,
    pub type_vocab_size: usize,
    pub layer_norm_eps: f64,
    #[serde(default)]
    pub model_type: Option<String>,
    #[serde(default)]
    pub position_embedding_type: Option<String>,
}

impl BertConfig {
    /// Why this configuration cannot run here, if it cannot.
    pub fn unsupported(&self) -> Option<String> {
        if self.model_type.as_deref().is_some_and(|t| t != "bert") {
            return Some(format!("model_type {:?} is not bert", self.model_type));
        }
        if self
            .position_embedding_type
            .as_deref()
            .is_some_and(|t| t != "absolute")
        {
            return Some("only absolute position embeddings are supported".into());
        }
        if self.num_attention_heads == 0
            || !self.hidden_size.is_multiple_of(self.num_attention_heads)
        {
            return Some("hidden_size is not a multiple of num_attention_heads".into());
        }
        if self.max_position_embeddings < crate::MAX_TOKENS {
            return Some(format!(
                "max_position_embeddings {} is below the {} tokens texts are cut at",
                self.max_position_embeddings,
                crate::MAX_TOKENS
            ));
        }
        if Activation::parse(&self.hidden_act).is_none() {
            return Some(format!("hidden_act {:?} is not supported", self.hidden_act));
        }
        None
    }
}

#[derive(Debug, Clone, Copy)]
enum Activation {
    /// Hugging Face's "gelu" is the exact, erf-based GELU.
    GeluErf,
    /// "gelu_new" and "gelu_pytorch_tanh": the tanh approximation.
    GeluTanh,
    Relu,
}

impl Activation {
    fn parse(name: &str) -> Option<Activation> {
        match name {
            "gelu" => Some(Activation::GeluErf),
            "gelu_new" | "gelu_pytorch_tanh" => Some(Activation::GeluTanh),
            "relu" => Some(Activation::Relu),
            _ => None,
        }
    }

    fn apply(self, x: &Tensor) -> candle_core::Result<Tensor> {
        match self {
            Activation::GeluErf => x.gelu_erf(),
            Activation::GeluTanh => x.gelu(),
            Activation::Relu => x.relu(),
        }
    }
}

struct Embeddings {
    word: Embedding,
    position: Embedding,
    /// Row 0 of the token-type table: every token of a single sentence has
    /// type 0, so it is one vector added to all.
    token_type_zero: Tensor,
    norm: LayerNorm,
}

impl Embeddings {
    fn load(vb: VarBuilder, c: &BertConfig) -> candle_core::Result<Embeddings> {
        let token_types = embedding(
            c.type_vocab_size,
            c.hidden_size,
            vb.pp("token_type_embeddings"),
        )?;
        Ok(Embeddings {
            word: embedding(c.vocab_size, c.hidden_size, vb.pp("word_embeddings"))?,
            position: embedding(
                c.max_position_embeddings,
                c.hidden_size,
                vb.pp("position_embeddings"),
            )?,
            token_type_zero: token_types.embeddings().get(0)?,
            norm: layer_norm(c.hidden_size, c.layer_norm_eps, vb.pp("LayerNorm"))?,
        })
    }

    /// `ids`: (batch, seq) u32 → (batch, seq, hidden).
    fn forward(&self, ids: &Tensor) -> candle_core::Result<Tensor> {
        let seq = ids.dim(1)?;
        let positions = Tensor::arange(0u32, seq as u32, ids.device())?;
        let x = self
            .word
            .forward(ids)?
            .broadcast_add(&self.position.forward(&positions)?)?
            .broadcast_add(&self.token_type_zero)?;
        self.norm.forward(&x)
    }
}

struct Layer {
    query: Linear,
    key: Linear,
    value: Linear,
    attention_out: Linear,
    attention_norm: LayerNorm,
    intermediate: Linear,
    output: Linear,
    output_norm: LayerNorm,
}

impl Layer {
    fn load(vb: VarBuilder, c: &BertConfig) -> candle_core::Result<Layer> {
        let (h, i) = (c.hidden_size, c.intermediate_size);
        let attention = vb.pp("attention");
        let this = attention.pp("self");
        Ok(Layer {
            query: linear(h, h, this.pp("query"))?,
            key: linear(h, h, this.pp("key"))?,
            value: linear(h, h, this.pp("value"))?,
            attention_out: linear(h, h, attention.pp("output").pp("dense"))?,
            attention_norm: layer_norm(
                h,
                c.layer_norm_eps,
                attention.pp("output").pp("LayerNorm"),
            )?,
            intermediate: linear(h, i, vb.pp("intermediate").pp("dense"))?,
            output: linear(i, h, vb.pp("output").pp("dense"))?,
            output_norm: layer_norm(h, c.layer_norm_eps, vb.pp("output").pp("LayerNorm"))?,
        })
    }
}

/// A loaded BERT encoder.
pub struct Bert {
    embeddings: Embeddings,
    layers: Vec<Layer>,
    heads: usize,
    activation: Activation,
}

impl Bert {
    /// Loads the weights under `vb` (the encoder's own names, e.g.
    /// `embeddings.word_embeddings.weight`; the caller strips any `bert.`).
    pub fn load(vb: VarBuilder, config: &BertConfig) -> candle_core::Result<Bert> {
        let activation = Activation::parse(&config.hidden_act).ok_or_else(|| {
            candle_core::Error::Msg(format!("unsupported activation {}", config.hidden_act))
        })?;
        let layers = (0..config.num_hidden_layers)
            .map(|i| Layer::load(vb.pp("encoder").pp("layer").pp(i), config))
            .collect::<candle_core::Result<Vec<_>>>()?;
        Ok(Bert {
            embeddings: Embeddings::load(vb.pp("embeddings"), config)?,
            layers,
            heads: config.num_attention_heads,
            activation,
        })
    }

    /// The last hidden state, (batch, seq, hidden), for `ids` (batch, seq;
    /// u32) where `mask` (batch, seq; f32) is 1 for real tokens and 0 for
    /// padding.
    pub fn forward(&self, ids: &Tensor, mask: &Tensor) -> candle_core::Result<Tensor> {
        // Padding gets a huge negative score before the softmax, so no real
        // token attends to it: (batch, 1, 1, seq), broadcast over heads and
        // query positions. (1 - mask) * f32::MIN is what Hugging Face does.
        let attention_bias = mask
            .affine(-1.0, 1.0)?
            .affine(f64::from(f32::MIN), 0.0)?
            .unsqueeze(1)?
            .unsqueeze(1)?;
        let mut x = self.embeddings.forward(ids)?;
        for layer in &self.layers {
            x = self.layer_forward(layer, &x, &attention_bias)?;
        }
        Ok(x)
    }

    fn layer_forward(&self, l: &Layer, x: &Tensor, bias: &Tensor) -> candle_core::Result<Tensor> {
        let (batch, seq, hidden) = x.dims3()?;
        let head_dim = hidden / self.heads;
        // (batch, seq, hidden) → (batch, heads, seq, head_dim)
        let split = |t: Tensor| -> candle_core::Result<Tensor> {
            t.reshape((batch, seq, self.heads, head_dim))?
                .transpose(1, 2)?
                .contiguous()
        };
        let q = split(l.query.forward(x)?)?;
        let k = split(l.key.forward(x)?)?;
        let v = split(l.value.forward(x)?)?;
        let scores = (q.matmul(&k.t()?)? / (head_dim as f64).sqrt())?.broadcast_add(bias)?;
        let probs = candle_nn::ops::softmax_last_dim(&scores)?;
        let context = probs
            .matmul(&v)?
            .transpose(1, 2)?
            .reshape((batch, seq, hidden))?;
        let attended = l
            .attention_norm
            .forward(&(l.attention_out.forward(&context)? + x)?)?;
        let inner = self.activation.apply(&l.intermediate.forward(&attended)?)?;
        l.output_norm
            .forward(&(l.output.forward(&inner)? + &attended)?)
    }
}
