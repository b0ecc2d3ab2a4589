"""derive net's model zoo: small hand-written torch models and real library models, with their input specs.

Each entry is a zero-argument factory (``path/net_zoo.py:NAME`` works from the command line) plus
:data:`ZOO`: name -> (factory, input spec, sweep). A sweep varies one symbolic dim over 1..max at a
time, the others held at ``base`` (a size where the model runs). torch is imported here, so only
framework subprocesses (tests/conformance/probe_net_torch.py, bench/net.py) import this module.
Channels are small and weights random: every sweep takes seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn


def _block(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU())


class UNet(nn.Module):
    """A U-Net with ``levels`` max-pool downsamplings, transposed-conv upsamplings and concat skips."""

    def __init__(self, levels: int = 2, width: int = 2) -> None:
        super().__init__()
        chans = [width * 2**i for i in range(levels + 1)]
        self.inc = _block(1, chans[0])
        self.downs = nn.ModuleList(_block(chans[i], chans[i + 1]) for i in range(levels))
        self.ups = nn.ModuleList(nn.ConvTranspose2d(chans[i + 1], chans[i], 2, stride=2) for i in range(levels))
        self.decs = nn.ModuleList(_block(2 * chans[i], chans[i]) for i in range(levels))
        self.out = nn.Conv2d(chans[0], 2, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips = [self.inc(x)]
        for down in self.downs:
            skips.append(down(F.max_pool2d(skips[-1], 2)))
        y = skips.pop()
        for i in reversed(range(len(self.ups))):
            y = self.decs[i](torch.cat([skips.pop(), self.ups[i](y)], dim=1))
        return self.out(y)


def unet2() -> nn.Module:
    return UNet(2)


def unet4() -> nn.Module:
    return UNet(4)


def conv_chain() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 2, 3, stride=2),
        nn.ReLU(),
        nn.Conv2d(2, 2, 5, padding=1),
        nn.Conv2d(2, 3, 3, stride=3, dilation=2, padding=2),
    )


class _Basic(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int) -> None:
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.short = nn.Conv2d(cin, cout, 1, stride=stride) if stride != 1 else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(self.b2(self.c2(F.relu(self.b1(self.c1(x))))) + self.short(x))


def resnet_stem() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(3, 4, 7, stride=2, padding=3, bias=False),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.MaxPool2d(3, stride=2, padding=1),
        _Basic(4, 4, 1),
        _Basic(4, 8, 2),
    )


class FCN(nn.Module):
    """Strided encoder, upsampling by 2 added to a skip, then resized to the input's own size."""

    def __init__(self) -> None:
        super().__init__()
        self.e1 = nn.Conv2d(3, 4, 3, stride=2, padding=1)
        self.e2 = nn.Conv2d(4, 4, 3, stride=2, padding=1)
        self.e3 = nn.Conv2d(4, 4, 3, stride=2, padding=1)
        self.head = nn.Conv2d(4, 2, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a = self.e2(F.relu(self.e1(x)))
        b = self.e3(F.relu(a))
        y = a + F.interpolate(b, scale_factor=2, mode="nearest")
        return F.interpolate(self.head(y), size=x.shape[-2:], mode="bilinear", align_corners=False)


def fcn() -> nn.Module:
    return FCN()


def pool_ceil() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 2, 3),
        nn.MaxPool2d(3, stride=2, ceil_mode=True),
        nn.AvgPool2d(2, ceil_mode=True, padding=1),
        nn.MaxPool2d(2, stride=2, dilation=2, padding=1),
    )


def audio1d() -> nn.Module:
    """A wav2vec-like strided 1-D feature stack (kernel 10 stride 5, then kernel 3 stride 2)."""
    layers: list[nn.Module] = [nn.Conv1d(1, 4, 10, stride=5), nn.GELU()]
    for _ in range(3):
        layers += [nn.Conv1d(4, 4, 3, stride=2), nn.GELU()]
    layers += [nn.Conv1d(4, 4, 2, stride=2)]
    return nn.Sequential(*layers)


def asymmetric() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 2, (3, 5), stride=(1, 2), padding=(1, 0)),
        nn.MaxPool2d((2, 1)),
        nn.Conv2d(2, 2, (1, 3), stride=(3, 1)),
    )


class VAE(nn.Module):
    """Encoder (three stride-2 convs) to a latent, decoder (three stride-2 transposed convs): 8⌈H/8⌉."""

    def __init__(self) -> None:
        super().__init__()
        self.enc = nn.Sequential(
            nn.Conv2d(1, 2, 3, stride=2, padding=1),
            nn.SiLU(),
            nn.Conv2d(2, 4, 3, stride=2, padding=1),
            nn.SiLU(),
            nn.Conv2d(4, 4, 3, stride=2, padding=1),
        )
        self.mu = nn.Conv2d(4, 2, 1)
        self.logvar = nn.Conv2d(4, 2, 1)
        self.dec = nn.Sequential(
            nn.ConvTranspose2d(2, 4, 4, stride=2, padding=1),
            nn.SiLU(),
            nn.ConvTranspose2d(4, 2, 4, stride=2, padding=1),
            nn.SiLU(),
            nn.ConvTranspose2d(2, 1, 4, stride=2, padding=1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.enc(x)
        z = self.mu(h) + torch.exp(0.5 * self.logvar(h)) * 0.0
        return torch.sigmoid(self.dec(z))


def vae() -> nn.Module:
    return VAE()


def flatten_linear() -> nn.Module:
    """Conv then Flatten -> Linear(2·8·8): the sizes that give an 8x8 map (coupled with the other axis)."""
    return nn.Sequential(nn.Conv2d(1, 2, 3, stride=2), nn.Flatten(), nn.Linear(2 * 8 * 8, 3))


class Misc(nn.Module):
    """Pad, crop by slicing, pixel shuffle, transposed conv with output_size, adaptive pooling -> Linear."""

    def __init__(self) -> None:
        super().__init__()
        self.c = nn.Conv2d(1, 4, 3, stride=2)
        self.up = nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1)
        self.pool = nn.AdaptiveAvgPool2d((2, 3))
        self.fc = nn.Linear(6, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.pad(x, (1, 2, 0, 1))
        y = self.c(y)[:, :, 1:-1, 1:]
        y = F.pixel_shuffle(y, 2)
        y = self.up(y, output_size=[2 * y.shape[-2], 2 * y.shape[-1]])
        return self.fc(self.pool(y).flatten(2)) * 2.0


def misc() -> nn.Module:
    return Misc()


class _PadCat(nn.Module):
    """MONAI BasicUNet's UpCat in small: upsample by 2, pad one row/column where the skip is one longer, concat."""

    def __init__(self, c: int) -> None:
        super().__init__()
        self.up = nn.ConvTranspose2d(c, c, 2, stride=2)

    def forward(self, x: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        y = self.up(x)
        pad = [0, 0, 0, 0]
        if skip.shape[-1] != y.shape[-1]:
            pad[1] = 1
        if skip.shape[-2] != y.shape[-2]:
            pad[3] = 1
        return torch.cat([skip, F.pad(y, pad, "replicate")], dim=1)


class PadUNet(nn.Module):
    """A one-level U-Net whose up block branches on its input sizes (a module call derive reads as cases)."""

    def __init__(self) -> None:
        super().__init__()
        self.inc = nn.Conv2d(1, 2, 3, padding=1)
        self.mid = nn.Conv2d(2, 2, 3, padding=1)
        self.up = _PadCat(2)
        self.out = nn.Conv2d(4, 2, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s = self.inc(x)
        return self.out(self.up(self.mid(F.max_pool2d(s, 2)), s))


def pad_unet() -> nn.Module:
    return PadUNet()


class _Shrink(nn.Module):
    """Halves a long sequence (over 100 steps), keeps a short one: the short branch runs no op."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[-1] > 100:
            x = F.avg_pool1d(x, 2)
        return x


def shrink1d() -> nn.Module:
    return nn.Sequential(nn.Conv1d(1, 2, 3), _Shrink(), nn.Conv1d(2, 2, 5))


class RootBranch(nn.Module):
    """A model whose own forward branches on its input size (no submodule to read per call): refused."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[-1] % 2:
            x = F.pad(x, [0, 1])
        return self.conv(x)


def root_branch() -> nn.Module:
    return RootBranch()


class _Trim(nn.Module):
    """Drops the last step where the length is one of 133 multiples of 3: 134 branches, more than derive reads."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(x)
        if x.shape[-1] in range(3, 400, 3):
            return x[..., :-1]
        return x


def many_branches() -> nn.Module:
    return nn.Sequential(nn.Conv1d(1, 2, 3), _Trim())


class _Halve(nn.Module):
    """Pools until the length is 1 (torch reads the length as an int: export fixes it to the sample's)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        while x.shape[-1] > 1:
            x = F.max_pool1d(x, 2)
        return x


def halve_loop() -> nn.Module:
    return nn.Sequential(nn.Conv1d(1, 2, 3), _Halve())


# ---------------------------------------------------------------- library models (random weights, no downloads)


def monai_unet() -> nn.Module:
    from monai.networks.nets import UNet as MonaiUNet

    return MonaiUNet(spatial_dims=2, in_channels=1, out_channels=2, channels=(2, 4, 4, 8), strides=(2, 2, 2))


def monai_basicunet() -> nn.Module:
    from monai.networks.nets import BasicUNet

    return BasicUNet(spatial_dims=2, in_channels=1, out_channels=2, features=(2, 2, 4, 4, 8, 2))


def monai_dynunet() -> nn.Module:
    from monai.networks.nets import DynUNet

    return DynUNet(2, 1, 2, kernel_size=[3, 3, 3], strides=[1, 2, 2], upsample_kernel_size=[2, 2], filters=[2, 4, 4])


def monai_segresnet() -> nn.Module:
    from monai.networks.nets import SegResNet

    return SegResNet(spatial_dims=2, init_filters=4, in_channels=1, out_channels=2, norm=("GROUP", {"num_groups": 2}))


def smp_unet() -> nn.Module:
    import segmentation_models_pytorch as smp

    return smp.Unet("resnet18", encoder_weights=None, in_channels=1, classes=2, decoder_channels=(8, 8, 8, 8, 8))


def smp_fpn() -> nn.Module:
    import segmentation_models_pytorch as smp

    return smp.FPN(
        "resnet18",
        encoder_weights=None,
        in_channels=1,
        classes=2,
        decoder_pyramid_channels=8,
        decoder_segmentation_channels=8,
    )


class _Sample(nn.Module):
    """diffusers' UNet2DModel returns an output object: this returns its ``sample`` at timestep 0."""

    def __init__(self, inner: nn.Module) -> None:
        super().__init__()
        self.inner = inner

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.inner(x, 0).sample


def diffusers_unet2d() -> nn.Module:
    from diffusers import UNet2DModel

    return _Sample(
        UNet2DModel(
            in_channels=1,
            out_channels=1,
            block_out_channels=(4, 8),
            down_block_types=("DownBlock2D", "DownBlock2D"),
            up_block_types=("UpBlock2D", "UpBlock2D"),
            layers_per_block=1,
            norm_num_groups=2,
        )
    )


def tv_resnet18() -> nn.Module:
    from torchvision.models import resnet18

    return resnet18(weights=None, num_classes=3)


class _Out(nn.Module):
    """torchvision's segmentation models return a dict: this returns its ``out``."""

    def __init__(self, inner: nn.Module) -> None:
        super().__init__()
        self.inner = inner

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.inner(x)["out"]


def tv_fcn() -> nn.Module:
    from torchvision.models.segmentation import fcn_resnet50

    return _Out(fcn_resnet50(weights=None, weights_backbone=None, num_classes=2, aux_loss=False))


@dataclass(frozen=True)
class Entry:
    factory: Callable[[], nn.Module]
    spec: str
    # each symbolic dim's largest swept size, and the size the other dims are held at
    top: int = 96
    base: dict[str, int] = field(default_factory=dict)
    # the library the model comes from ("" for hand models): its tests skip when it is not installed
    library: str = ""


ZOO: dict[str, Entry] = {
    "unet2": Entry(unet2, "1,1,H,W", 128, {"H": 16, "W": 16}),
    "unet4": Entry(unet4, "1,1,H,W", 128, {"H": 32, "W": 32}),
    "conv_chain": Entry(conv_chain, "1,1,H,W", 96, {"H": 32, "W": 32}),
    "resnet_stem": Entry(resnet_stem, "1,3,H,W", 96, {"H": 32, "W": 32}),
    "fcn": Entry(fcn, "1,3,H,W", 96, {"H": 32, "W": 32}),
    "pool_ceil": Entry(pool_ceil, "1,1,H,W", 96, {"H": 32, "W": 32}),
    "audio1d": Entry(audio1d, "1,1,T", 160, {}),
    "asymmetric": Entry(asymmetric, "1,1,H,W", 96, {"H": 32, "W": 32}),
    "vae": Entry(vae, "1,1,H,W", 96, {"H": 32, "W": 32}),
    "flatten_linear": Entry(flatten_linear, "1,1,H,W", 64, {"H": 17, "W": 17}),
    "misc": Entry(misc, "1,1,H,W", 64, {"H": 20, "W": 20}),
    "pad_unet": Entry(pad_unet, "1,1,H,W", 64, {"H": 16, "W": 16}),
    "shrink1d": Entry(shrink1d, "1,1,T", 160, {}),
    "root_branch": Entry(root_branch, "1,1,H,W", 32, {"H": 16, "W": 16}),
    "many_branches": Entry(many_branches, "1,1,T", 64, {}),
    "halve_loop": Entry(halve_loop, "1,1,T", 64, {}),
    "monai_unet": Entry(monai_unet, "1,1,H,W", 96, {"H": 32, "W": 32}, "monai"),
    "monai_basicunet": Entry(monai_basicunet, "1,1,H,W", 96, {"H": 32, "W": 32}, "monai"),
    "monai_dynunet": Entry(monai_dynunet, "1,1,H,W", 96, {"H": 32, "W": 32}, "monai"),
    "monai_segresnet": Entry(monai_segresnet, "1,1,H,W", 96, {"H": 32, "W": 32}, "monai"),
    "smp_unet": Entry(smp_unet, "1,1,H,W", 96, {"H": 64, "W": 64}, "segmentation_models_pytorch"),
    "smp_fpn": Entry(smp_fpn, "1,1,H,W", 96, {"H": 64, "W": 64}, "segmentation_models_pytorch"),
    "diffusers_unet2d": Entry(diffusers_unet2d, "1,1,H,W", 64, {"H": 16, "W": 16}, "diffusers"),
    "tv_resnet18": Entry(tv_resnet18, "1,3,H,W", 96, {"H": 64, "W": 64}, "torchvision"),
    "tv_fcn": Entry(tv_fcn, "1,3,H,W", 64, {"H": 32, "W": 32}, "torchvision"),
}


def sizes(name: str) -> list[dict[str, int]]:
    """The sweep: each symbolic dim over 1..top, the others at their base."""
    entry = ZOO[name]
    dims = [d for d in entry.spec.split(",") if d.isidentifier()]
    out = []
    for d in dims:
        for v in range(1, entry.top + 1):
            out.append({**{o: entry.base[o] for o in dims if o != d}, d: v})
    return out


def shape(spec: str, values: dict[str, int]) -> list[int]:
    return [values[d] if d.isidentifier() else int(d) for d in spec.split(",")]


def run(module: nn.Module, spec: str, values: dict[str, int]) -> dict:
    """One eager run: ``{"shape": [...]}`` or ``{"error": "<type>: <torch's message>"}``."""
    x = torch.randn(*shape(spec, values))
    try:
        with torch.no_grad():
            y = module(x)
    except Exception as e:  # torch's refusal: keep its class and message
        return {"error": f"{type(e).__name__}: {e}".splitlines()[0][:400]}
    return {"shape": list(y.shape)}


def build(name: str) -> nn.Module:
    torch.manual_seed(0)
    return ZOO[name].factory().eval()
