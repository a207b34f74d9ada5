"""The CPU and GPU requirements pin the same packages, and each installs one TensorFlow build."""

import re

from helpers.build_notebooks import ROOT


def pins(name: str) -> dict[str, str]:
    """{package: line} for every requirement line of a requirements file."""
    found = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            package = re.split(r"[=<>!~;\[ ]", line, maxsplit=1)[0].lower()
            found.setdefault(package, []).append(line)
    return found


def test_cpu_and_gpu_requirements_agree_except_for_the_tensorflow_build():
    cpu, gpu = pins("requirements.txt"), pins("requirements-gpu.txt")
    tensorflow = {"tensorflow", "tensorflow-cpu"}
    assert {p: v for p, v in cpu.items() if p not in tensorflow} == {
        p: v for p, v in gpu.items() if p not in tensorflow
    }
    assert gpu["tensorflow"] == ["tensorflow[and-cuda]==2.21.0"] and "tensorflow-cpu" not in gpu
    version = {
        line.split("==")[1].split(";")[0] for line in cpu["tensorflow"] + cpu["tensorflow-cpu"]
    }
    assert version == {"2.21.0"}, "one TensorFlow version on every platform"


def test_the_cpu_requirements_choose_exactly_one_build_per_platform():
    from packaging.markers import Marker

    cpu = pins("requirements.txt")
    lines = cpu["tensorflow"] + cpu["tensorflow-cpu"]
    markers = [Marker(line.split(";", 1)[1]) for line in lines]
    for platform in [
        {"sys_platform": "linux", "platform_machine": "x86_64"},
        {"sys_platform": "linux", "platform_machine": "aarch64"},
        {"sys_platform": "darwin", "platform_machine": "arm64"},
        {"sys_platform": "win32", "platform_machine": "AMD64"},
    ]:
        chosen = [line for line, m in zip(lines, markers, strict=True) if m.evaluate(platform)]
        assert len(chosen) == 1, (platform, chosen)
