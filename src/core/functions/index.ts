// Every catalogue entry, in the order GET /activations lists them.
import type { ActivationDefinition } from '../definition.js';
import { relu } from './relu.js';
import { leakyRelu } from './leaky_relu.js';
import { prelu } from './prelu.js';
import { shiftedRelu } from './shifted_relu.js';
import { threshold } from './threshold.js';
import { relu6 } from './relu6.js';
import { hardtanh } from './hardtanh.js';
import { elu } from './elu.js';
import { celu } from './celu.js';
import { selu } from './selu.js';
import { gelu } from './gelu.js';
import { silu } from './silu.js';
import { swish } from './swish.js';
import { softplus } from './softplus.js';
import { mish } from './mish.js';
import { sigmoid } from './sigmoid.js';
import { tanh } from './tanh.js';
import { logsigmoid } from './logsigmoid.js';
import { softsign } from './softsign.js';
import { tanhshrink } from './tanhshrink.js';
import { hardsigmoid } from './hardsigmoid.js';
import { hardswish } from './hardswish.js';
import { softshrink } from './softshrink.js';
import { hardshrink } from './hardshrink.js';
import { softmax } from './softmax.js';
import { logSoftmax } from './log_softmax.js';
import { softmin } from './softmin.js';
import { logsumexp } from './logsumexp.js';
import { glu } from './glu.js';

export const ALL_DEFINITIONS: readonly ActivationDefinition[] = [
  relu,
  leakyRelu,
  prelu,
  shiftedRelu,
  threshold,
  relu6,
  hardtanh,
  elu,
  celu,
  selu,
  gelu,
  silu,
  swish,
  softplus,
  mish,
  sigmoid,
  tanh,
  logsigmoid,
  softsign,
  tanhshrink,
  hardsigmoid,
  hardswish,
  softshrink,
  hardshrink,
  softmax,
  logSoftmax,
  softmin,
  logsumexp,
  glu,
];
