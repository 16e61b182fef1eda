// loss.h — softmax cross-entropy with integer class labels, mean over the batch (nn.CrossEntropyLoss()),
// and the two small losses the backward stepper teaches with (summed squared error, a dot product).
//   logits (N, K), labels N ints in [0, K) -> loss (scalar); probs (N, K) saved for the backward pass.
//   loss = -1/N sum_n log softmax(logits_n)[label_n];  d loss / d logits = (probs - onehot(labels)) / N
#pragma once
#include <vector>

#include "../status.h"
#include "../tensor.h"

namespace cs {

// Computed with log-sum-exp so large logits do not overflow. `probs` may be null if not needed.
Status cross_entropy_forward(float* loss, Tensor* probs, const Tensor& logits, const std::vector<int>& labels);

// grad_logits = (probs - onehot) / N, using the probs saved by the forward pass.
Status cross_entropy_backward(Tensor& grad_logits, const Tensor& probs, const std::vector<int>& labels);

// nn.MSELoss(reduction="sum"): loss = sum (y - target)^2 over every element, d loss / d y = 2 (y - target).
// The sum is kept in double: a finite-difference gradient check divides its differences by a small step.
Status mse_sum_forward(double* loss, const Tensor& y, const Tensor& target);
Status mse_sum_backward(Tensor& grad_y, const Tensor& y, const Tensor& target);

// loss = sum g * y: the loss whose gradient with respect to y is g, i.e. what y.backward(g) means.
Status dot_loss_forward(double* loss, const Tensor& y, const Tensor& g);

// Index of the largest logit in each row (ties: the first), e.g. for accuracy. logits (N, K) -> N ints.
Status argmax_rows(std::vector<int>& out, const Tensor& logits);

}  // namespace cs
