// The tfjs that training and the attacks use: tfjs-core's ops, its plain-JS CPU kernels (so every call works before
// initBackend picks a faster backend) and the gradient of every op. tfjs-core ships no gradients of its own; the Node
// build of tfjs-layers registers all of them when loaded (tinyforge uses none of its layers). Tensor methods such as
// `x.add(y)` are not registered either: call the ops (`tf.add(x, y)`).
// `tf` is re-exported as one namespace (not `export *`) so that the bundle keeps it whole.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';

export { tf };
