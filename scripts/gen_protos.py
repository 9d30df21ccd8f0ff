"""Regenerate services/api from protos/ (messages, gRPC stubs and .pyi type stubs).

    python scripts/gen_protos.py            # write services/api
    python scripts/gen_protos.py --check    # exit 1 if services/api is stale

protoc writes imports as ``from quitus.x.v1 import y_pb2``; they are rewritten to
``services.api.quitus...`` so the generated code is one importable package.
"""

import argparse
import filecmp
import re
import shutil
import sys
import tempfile
from pathlib import Path

from grpc_tools import protoc

ROOT = Path(__file__).resolve().parents[1]
PROTOS = ROOT / "protos"
TARGET = ROOT / "services" / "api"
IMPORT = re.compile(r"^(from|import) quitus\.", re.MULTILINE)


def generate(out: Path) -> None:
    files = sorted(str(p.relative_to(PROTOS)) for p in PROTOS.rglob("*.proto"))
    include = Path(protoc.__file__).parent / "_proto"
    args = [
        "protoc",
        f"-I{PROTOS}",
        f"-I{include}",
        f"--python_out={out}",
        f"--grpc_python_out={out}",
        f"--pyi_out={out}",
        *files,
    ]
    if protoc.main(args) != 0:
        sys.exit("protoc failed")
    for path in out.rglob("*.py*"):
        path.write_text(IMPORT.sub(r"\1 services.api.quitus.", path.read_text()))
    for folder in [out, *[p for p in out.rglob("*") if p.is_dir()]]:
        (folder / "__init__.py").touch()


def same_tree(a: Path, b: Path) -> bool:
    files_a = {p.relative_to(a) for p in a.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    files_b = {p.relative_to(b) for p in b.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    return files_a == files_b and all(filecmp.cmp(a / f, b / f, shallow=False) for f in files_a)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when stale")
    check = parser.parse_args().check
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "api"
        fresh.mkdir()
        generate(fresh)
        if check:
            if not same_tree(fresh, TARGET):
                sys.exit("services/api is stale: run python scripts/gen_protos.py")
            print("services/api is up to date")
            return
        staging = TARGET.with_name("api.new")
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(fresh, staging)
        shutil.rmtree(TARGET, ignore_errors=True)
        staging.rename(TARGET)
        print(f"generated {sum(1 for _ in TARGET.rglob('*.py'))} modules into {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
