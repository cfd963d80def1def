"""Reference for tests/host/image_test.cc: writes test images and what torchvision makes of them.

usage: imagenet_reference.py OUT_DIR

Writes into OUT_DIR:
  images.txt     one image file name per line
  <name>.png     the images (random noise: the hardest case for a resize)
  rgb_<i>.npy    (H, W, 3) float32: the pixels PIL decodes, after convert("RGB"), / 255
  expected.npy   (N, 3, 224, 224) float32: Resize(256), CenterCrop(224), ToTensor,
                 Normalize(ImageNet mean, std) on each image, as torchvision evaluates
"""
import os
import sys

import numpy as np
import torch
from PIL import Image
from torchvision import transforms


def main(out_dir):
    rng = np.random.default_rng(1234)
    # (name, mode, width, height)
    specs = [
        ("landscape_300x280", "RGB", 300, 280),   # downscale, long side 274
        ("portrait_200x333", "RGB", 200, 333),    # shorter side is the width
        ("small_90x100", "RGB", 90, 100),         # upscale
        ("exact_301x256", "RGB", 301, 256),       # no resize; crop left round(38.5) = 38
        ("large_1000x700", "RGB", 1000, 700),     # downscale by ~2.7: wide triangle
        ("grey_260x300", "L", 260, 300),
        ("rgba_320x240", "RGBA", 320, 240),
    ]
    transform = transforms.Compose([
        transforms.Resize(256),
        transforms.CenterCrop(224),
        transforms.ToTensor(),
        transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
    ])
    names, expected = [], []
    for i, (name, mode, width, height) in enumerate(specs):
        channels = {"RGB": 3, "L": 1, "RGBA": 4}[mode]
        pixels = rng.integers(0, 256, size=(height, width, channels), dtype=np.uint8)
        if channels == 1:
            pixels = pixels[:, :, 0]
        file_name = name + ".png"
        Image.fromarray(pixels, mode).save(os.path.join(out_dir, file_name))
        image = Image.open(os.path.join(out_dir, file_name)).convert("RGB")
        np.save(os.path.join(out_dir, "rgb_%d.npy" % i),
                np.asarray(image).astype(np.float32) / np.float32(255))
        with torch.no_grad():
            expected.append(transform(image).numpy())
        names.append(file_name)
    np.save(os.path.join(out_dir, "expected.npy"), np.stack(expected).astype(np.float32))
    with open(os.path.join(out_dir, "images.txt"), "w") as f:
        f.write("\n".join(names) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
