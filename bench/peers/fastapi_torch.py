"""The service a Python shop would write instead: FastAPI + uvicorn + PyTorch, the same JSON routes.

Started by bench/http.ts (`python3 bench/peers/fastapi_torch.py PORT`), one uvicorn worker, pinned
like the service. Debian's packages: apt-get install python3-torch python3-fastapi python3-uvicorn.
Written as FastAPI is usually written: a pydantic model validates the body, torch computes in
float64 (as the service does), and the answer is {"name", "shape", "y", "params"} for
POST /activations/relu and /activations/gelu; GET /health/live for the harness.
"""
import sys
from typing import Any, Dict, List, Union

import torch
import uvicorn
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

torch.set_num_threads(1)
app = FastAPI()

Nested = Union[float, List[Any]]


class Forward(BaseModel):
    x: Nested
    params: Dict[str, Any] = {}


FUNCTIONS = {
    "relu": lambda x, p: torch.nn.functional.relu(x),
    "gelu": lambda x, p: torch.nn.functional.gelu(x, approximate=p.get("approximate", "none")),
}


@app.get("/health/live")
def live():
    return {"status": "ok"}


@app.post("/activations/{name}")
def forward(name: str, body: Forward):
    fn = FUNCTIONS.get(name)
    if fn is None:
        raise HTTPException(status_code=404, detail=f"no activation function named {name!r}")
    x = torch.tensor(body.x, dtype=torch.float64)
    y = fn(x, body.params)
    return {"name": name, "shape": list(y.shape), "y": y.tolist(), "params": body.params}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", workers=1)
