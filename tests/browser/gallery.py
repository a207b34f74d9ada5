# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Widget gallery (a test fixture, not a lesson)
#
# Every lesson's widget built on small real data, so that tests/test_browser.py can check in a
# real browser that each renders and reacts to each of its controls, in well under a minute.

# %%
import keras
import numpy as np

from helpers import datasets, pretrained, sequence_data
from helpers.lessons import (
    activations,
    autoencoders,
    convnets_in_practice,
    convolution,
    deepdream,
    four_pixel_camera,
    functional_api,
    gans,
    gradients_through_depth,
    inside_convnets,
    introduction,
    keras_workflow,
    learning_rate,
    mlp_experiments,
    mnist_mlp,
    network_from_scratch,
    optimizers,
    optimizers_on_mnist,
    overfitting,
    regularization,
    style_transfer,
    text_and_recurrent_networks,
    text_generation,
    training_tools,
    variational_autoencoder,
    weather_forecasting,
)

keras.utils.set_random_seed(0)
(x_train, y_train), (x_test, y_test) = datasets.load_mnist()
x_small = (x_train[:3000] / 255).astype("float32")
y_small = y_train[:3000]
# a linear classifier by least squares on 3,000 real digits (a second, not a minute)
targets = np.eye(10)[y_small]
features = np.c_[x_small.reshape(-1, 784), np.ones(len(x_small))]
weights = np.linalg.lstsq(features, targets, rcond=None)[0].astype("float32")
kernel, bias = weights[:-1], weights[-1]

# %%
print("GALLERY: 00 linear classifier")
introduction.linear_classifier_explorer(x_test[:50] / 255, y_test[:50], kernel, bias)

# %%
print("GALLERY: 01a activations")


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


activations.activation_explorer(
    {
        "sigmoid": (sigmoid, lambda z: sigmoid(z) * (1 - sigmoid(z))),
        "relu": (lambda z: np.maximum(z, 0), lambda z: (z > 0).astype(float)),
        "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    }
)

# %%
print("GALLERY: 01b depth explorer")
x_standardized = (x_small[:256].reshape(256, -1) - x_small.mean()) / x_small.std()
gradients_through_depth.depth_explorer(x_standardized)

# %%
print("GALLERY: 02 backprop stepper")
rng = np.random.default_rng(0)
untrained = [(rng.normal(size=(2, 2)), np.zeros(2)), (rng.normal(size=(2, 1)), np.zeros(1))]
trained = [
    (np.array([[6.0, 4.0], [6.0, 4.0]]), np.array([-2.5, -6.0])),
    (np.array([[8.0], [-8.0]]), np.array([-3.5])),
]
network_from_scratch.backprop_stepper({"untrained": untrained, "trained": trained}, 0.5)

# %%
print("GALLERY: 03a digit explorer")
model = keras.Sequential(
    [keras.Input((784,)), keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10)]
)
model.add(keras.layers.Softmax())
model.compile("adam", "sparse_categorical_crossentropy")
model.fit(x_small.reshape(-1, 784), y_small, epochs=1, verbose=0)
mnist_mlp.digit_explorer(model, (x_test[:50] / 255).reshape(-1, 784).astype("float32"), y_test[:50])

# %%
print("GALLERY: 03b shuffled labels")
curves = {}
for fraction in (0.0, 1.0):
    labels = y_small[:500].copy()
    if fraction:
        labels = np.random.default_rng(0).permutation(labels)
    keras.utils.set_random_seed(0)
    small = keras.Sequential(
        [keras.Input((784,)), keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10)]
    )
    small.add(keras.layers.Softmax())
    small.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    fit = small.fit(
        x_small[:500].reshape(-1, 784), labels, epochs=3, verbose=0,
        validation_data=(x_small[500:1000].reshape(-1, 784), y_small[500:1000]),
    )  # fmt: skip
    curves[fraction] = fit.history
mlp_experiments.shuffled_labels_explorer(curves)

# %%
print("GALLERY: 04 four-pixel camera")
hand_set = [
    [np.asarray(k, "float32"), np.zeros(np.shape(k)[1], "float32")]
    for k in four_pixel_camera.HAND_SET_KERNELS
]
four_pixel_camera.four_pixel_explorer({"hand-set": hand_set})

# %%
print("GALLERY: 05a optimizer race")


def gradient_descent(learning_rate, momentum):
    velocity = np.zeros(2)

    def step(theta, gradient):
        velocity[:] = momentum * velocity - learning_rate * gradient
        return theta + velocity

    return step


optimizers.optimizer_race(
    {"GD": lambda rate, momentum: gradient_descent(rate, 0.0), "Momentum": gradient_descent},
    racers=("GD", "Momentum"),
)

# %%
print("GALLERY: 05b learning-rate sweep")
sweep = {}
for name, make in (("SGD", keras.optimizers.SGD), ("Adam", keras.optimizers.Adam)):
    sweep[name] = {}
    for rate in (0.01, 0.1) if name == "SGD" else (0.001, 0.01):
        keras.utils.set_random_seed(0)
        tiny = keras.Sequential([keras.Input((784,)), keras.layers.Dense(10, "softmax")])
        tiny.compile(make(rate), "sparse_categorical_crossentropy", metrics=["accuracy"])
        fit = tiny.fit(
            x_small[:2000].reshape(-1, 784),
            y_small[:2000],
            epochs=2,
            batch_size=128,
            verbose=0,
            validation_data=(x_small[2000:].reshape(-1, 784), y_small[2000:]),
        )
        sweep[name][rate] = fit.history["val_accuracy"]
optimizers_on_mnist.sweep_explorer(sweep)

# %%
print("GALLERY: 05c schedule explorer")
schedule_losses = {}
for name, rate in [
    ("constant", 1e-2),
    ("cosine", keras.optimizers.schedules.CosineDecay(1e-2, 32)),
]:
    keras.utils.set_random_seed(0)
    small = keras.Sequential([keras.Input((784,)), keras.layers.Dense(32, activation="relu")])
    small.add(keras.layers.Dense(10, activation="softmax"))
    small.compile(keras.optimizers.Adam(rate), "sparse_categorical_crossentropy")
    fit = small.fit(x_small[:1000].reshape(-1, 784), y_small[:1000], epochs=2, verbose=0)
    schedule_losses[name] = fit.history["loss"]
learning_rate.schedule_explorer(schedule_losses, 32, 1e-2)  # 2 epochs of 16 batches

# %%
print("GALLERY: 06a L2 explorer")


def l2_history(strength):
    penalty = keras.regularizers.l2(strength) if strength else None
    network = keras.Sequential(
        [
            keras.Input((784,)),
            keras.layers.Dense(32, "relu", kernel_regularizer=penalty),
            keras.layers.Dense(10, "softmax"),
        ]
    )
    network.compile(
        "adam",
        "sparse_categorical_crossentropy",
        metrics=[keras.metrics.SparseCategoricalCrossentropy(name="crossentropy")],
    )
    flat = x_small.reshape(-1, 784)
    return network.fit(
        flat[:1000], y_small[:1000], validation_data=(flat[1000:1500], y_small[1000:1500]),
        epochs=4, verbose=0,
    ).history  # fmt: skip


overfitting.regularization_explorer(
    {strength: l2_history(strength) for strength in (0.0, 0.001, 0.01)}, "crossentropy"
)

# %%
print("GALLERY: 06b dropout visualizer")
regularization.dropout_visualizer(x_small[0, 6:22, 6:22].astype("float32"), rate=0.5)

# %%
print("GALLERY: 06b temperature explorer")
# the least-squares classifier's scores on 500 test digits, scaled up 10x to act as logits
regularization.temperature_explorer(
    10 * (x_test[:500].reshape(500, -1) / 255 @ kernel + bias), y_test[:500]
)

# %%
print("GALLERY: 07a convolution explorer")
convolution.convolution_explorer({f"digit {y_test[i]}": x_test[i] / 255 for i in range(3)})

# %%
print("GALLERY: 07b augmentation explorer")
convnets_in_practice.augmentation_explorer(x_test[:6] / 255, [str(y) for y in y_test[:6]])

# %%
print("GALLERY: 07c feature-map browser")
lite0 = pretrained.load_efficientnet_lite0((None, None, 3), logits=True)
shots = np.stack(
    [pretrained.resize_for_model(datasets.load_photo(n), 96) for n in ("cat", "coffee")]
)
layer_names = ["b1_out", "head_relu"]
*layer_maps, scores = keras.Model(
    lite0.input, [lite0.get_layer(name).output for name in layer_names] + [lite0.output]
).predict(pretrained.preprocess(shots), verbose=0)
top3 = pretrained.decode_predictions(keras.ops.softmax(scores).numpy(), top=3)
# Grad-CAM of this network: ReLU of the head's maps times the Dense weights of the class
dense_kernel = lite0.get_layer("predictions").get_weights()[0]
cams = np.stack(
    [np.maximum(maps @ dense_kernel[:, [c for c, _, _ in top]], 0).transpose(2, 0, 1)
     for maps, top in zip(layer_maps[1], top3, strict=True)]
)  # fmt: skip
inside_convnets.feature_map_browser(
    shots, ["cat", "coffee"], dict(zip(layer_names, layer_maps, strict=True)), cams, top3
)

# %%
print("GALLERY: 08a sentence stepper")
(review_texts, _), _ = sequence_data.load_movie_reviews()
vectorizer = keras.layers.TextVectorization(max_tokens=2000, output_sequence_length=40)
vectorizer.adapt(review_texts[:2000])
reader = keras.Sequential(  # untrained: the widget only has to render and react
    [
        keras.Input(shape=(None,), dtype="int64"),
        keras.layers.Embedding(2000, 8, mask_zero=True),
        keras.layers.GRU(6),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
text_and_recurrent_networks.sentence_stepper(reader, vectorizer, review_texts[:4])

# %%
print("GALLERY: 08b forecast explorer")
hours, weather, _ = sequence_data.load_nyc_weather("JFK")
temperature = weather[:, 0]
now_hours = np.arange(72, 72 + 24 * 5)
weather_forecasting.forecast_explorer(
    hours, temperature, now_hours, {"no change": temperature[now_hours]}, 72, 24
)

# %%
print("GALLERY: 09a K-fold explorer")
(boston_x, boston_y), _ = sequence_data.load_boston_housing()
keras_workflow.kfold_explorer(boston_x, boston_y, {"network": [2.0, 2.4, 2.5, 2.3]})

# %%
print("GALLERY: 09b loss-weight explorer")
(questions, coarse, fine), _ = sequence_data.load_trec_questions(fine_labels=True)
question_vectorizer = keras.layers.TextVectorization(output_sequence_length=24)
question_vectorizer.adapt(questions[:1000])
question_ids = question_vectorizer(questions[:1000]).numpy()
weight_runs = {}
for coarse_weight in (0.0, 0.5, 1.0):  # three short runs on 1,000 real questions: the widget
    # only has to render and react, so they are scored on their own training questions
    keras.utils.set_random_seed(0)
    tokens = keras.Input(shape=(24,), dtype="int64")
    pooled = keras.layers.GlobalAveragePooling1D()(
        keras.layers.Embedding(question_vectorizer.vocabulary_size(), 8)(tokens)
    )
    heads = keras.Model(
        tokens,
        {
            "coarse": keras.layers.Dense(6, activation="softmax", name="coarse")(pooled),
            "fine": keras.layers.Dense(50, activation="softmax", name="fine")(pooled),
        },
    )
    heads.compile(
        optimizer="adam",
        loss={
            "coarse": "sparse_categorical_crossentropy",
            "fine": "sparse_categorical_crossentropy",
        },
        loss_weights={"coarse": coarse_weight, "fine": 1 - coarse_weight},
        metrics={"coarse": ["accuracy"], "fine": ["accuracy"]},
    )
    fitted = heads.fit(
        question_ids, {"coarse": coarse[:1000], "fine": fine[:1000]}, epochs=1, verbose=0,
        validation_data=(question_ids, {"coarse": coarse[:1000], "fine": fine[:1000]}),
    )  # fmt: skip
    weight_runs[coarse_weight] = {
        head: fitted.history[f"val_{head}_accuracy"] for head in ("coarse", "fine")
    }
functional_api.loss_weight_explorer(weight_runs)

# %%
print("GALLERY: 09c ensemble explorer")
(fashion_train, fashion_labels), (fashion_test, fashion_test_labels) = datasets.load_fashion_mnist()
fashion_features = np.c_[fashion_train[:4000].reshape(-1, 784) / 255, np.ones(4000)]
fashion_val = np.c_[fashion_test[:1000].reshape(-1, 784) / 255, np.ones(1000)]
member_sets = {"bagged": [], "other": []}  # least-squares linear classifiers on 1,000 images each
for number in range(5):
    rows = slice(1000 * (number % 4), 1000 * (number % 4 + 1))
    fitted = np.linalg.lstsq(
        fashion_features[rows], np.eye(10)[fashion_labels[:4000][rows]], rcond=1e-3
    )[0]
    scores = 10 * (fashion_val @ fitted)
    probabilities = np.exp(scores - scores.max(1, keepdims=True))
    member_sets["bagged" if number < 3 else "other"].append(
        probabilities / probabilities.sum(1, keepdims=True)
    )
training_tools.ensemble_explorer(
    member_sets, fashion_test_labels[:1000].astype("int64"), datasets.FASHION_MNIST_CLASSES
)

# %%
print("GALLERY: 10a temperature explorer")
shakespeare = sequence_data.load_shakespeare()
shakespeare_characters = "".join(sorted(set(shakespeare)))
char_model = text_generation.build_char_model(len(shakespeare_characters))
text_generation.load_long_run_weights(char_model)  # the shipped weights: real distributions
prompt_codes = text_generation.encode("HAMLET.\nTo be, or not to be", shakespeare_characters)
prompt_logits = np.asarray(char_model(prompt_codes[None])[0, -1])
gallery_rng = np.random.default_rng(0)
sampled = {}
for gallery_temperature in (0.5, 1.0, 1.5):  # 40 characters each, one step at a time
    logits, state = char_model(prompt_codes[None], return_state=True)
    text = []
    for _ in range(40):
        probabilities = text_generation.softmax_with_temperature(
            np.asarray(logits[0, -1]), gallery_temperature
        )
        text.append(int(gallery_rng.choice(len(probabilities), p=probabilities)))
        step = np.array([[text[-1]]], dtype="int32")
        logits, state = char_model(step, state=state, return_state=True)
    sampled[gallery_temperature] = "".join(shakespeare_characters[c] for c in text)
text_generation.temperature_explorer(prompt_logits, shakespeare_characters, sampled)

# %%
print("GALLERY: 10b bottleneck explorer")
flat_digits = x_small.reshape(-1, 784).astype("float64")
digits_to_show = x_test[:8].reshape(-1, 784) / 255
by_method, error_curves = {}, {}
for method, rows in (("PCA, 3000", 3000), ("PCA, 300", 300)):
    digit_mean = flat_digits[:rows].mean(axis=0)  # PCA from the digits' covariance matrix
    centred_digits = flat_digits[:rows] - digit_mean
    principal = np.linalg.eigh(centred_digits.T @ centred_digits)[1][:, ::-1].T
    by_method[method], error_curves[method] = {}, {}
    for size in (2, 8, 32):
        codes = (digits_to_show - digit_mean) @ principal[:size].T
        rebuilt = codes @ principal[:size] + digit_mean
        by_method[method][size] = np.clip(rebuilt, 0, 1)
        error_curves[method][size] = float(np.mean((rebuilt - digits_to_show) ** 2))
autoencoders.bottleneck_explorer(digits_to_show, by_method, error_curves)

# %%
print("GALLERY: 10c latent walker")
trained_vae = variational_autoencoder.load_trained_vae()  # the shipped, longer-trained weights
digits = (x_test[:1000] / 255).astype("float32")
latent_means = np.asarray(trained_vae.encoder(digits)[0])
variational_autoencoder.latent_walker(trained_vae.decoder, latent_means, y_test[:1000])

# %%
print("GALLERY: 11a GAN latent explorer")
trained_generator = gans.load_trained_generator()  # the shipped, longer-trained generator
z_two = np.random.default_rng(0).normal(size=(2, gans.LATENT_DIM))
gans.latent_explorer(trained_generator, z_two[0], z_two[1])

# %%
print("GALLERY: 11b dream explorer")
import tensorflow as tf

dream_network = pretrained.load_efficientnet_lite0(input_shape=(None, None, 3), include_top=False)
small_cat = tf.constant(deepdream.load_photo("cat", 96))
dream_steps, dream_objectives = {}, {}
for layer in ("b1_out", "b10_out"):
    feature_model = keras.Model(dream_network.input, dream_network.get_layer(layer).output)
    image, images, objectives = small_cat, [small_cat.numpy()], []
    for _ in range(4):  # a few plain steps of normalised gradient ascent
        with tf.GradientTape() as tape:
            tape.watch(image)
            objective = tf.reduce_mean(feature_model(image[None]))
        gradient = tape.gradient(objective, image)
        image = tf.clip_by_value(image + 0.03 * gradient / tf.math.reduce_std(gradient), -1, 1)
        images.append(image.numpy())
        objectives.append(float(objective))
    objectives.append(float(tf.reduce_mean(feature_model(image[None]))))
    dream_steps[layer], dream_objectives[layer] = np.stack(images), np.array(objectives)
deepdream.dream_explorer(dream_steps, dream_objectives)

# %%
print("GALLERY: 11c style-weight explorer")
# The widget only shows results computed beforehand; here, so that it builds in a second, the
# "results" are the cat blended with the painting, with their pixel distances to each.
cat = style_transfer.resize_longer_side(datasets.load_photo("cat"), 192)
painting = style_transfer.resize_longer_side(style_transfer.load_starry_night(), 192)
painting = painting[: cat.shape[0], : cat.shape[1]]
blends = {}
for weight, share in ((1.0, 0.1), (10.0, 0.3), (100.0, 0.6), (1000.0, 0.9)):
    blend = (1 - share) * cat + share * painting
    blends[weight] = {"image": blend, "style": float(np.mean((blend - painting) ** 2) / 255**2),
                      "content": float(np.mean((blend - cat) ** 2) / 255**2)}  # fmt: skip
style_transfer.style_weight_explorer(blends)
