"""The service a Python shop would write instead: FastAPI + uvicorn + PyTorch, the same JSON routes.

Started by bench/http.ts (`python3 bench/peers/fastapi_torch.py PORT`), one uvicorn worker, pinned
like the service. Debian's packages: apt-get install python3-torch python3-fastapi python3-uvicorn.
Answers {"name", "shape", "y", "params"} for POST /activations/relu and /activations/gelu with
{"x": [...]} (float64, as the service computes), and GET /health/live for the harness.
"""
import sys

import torch
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

torch.set_num_threads(1)
app = FastAPI()

FUNCTIONS = {
    "relu": (torch.nn.functional.relu, {}),
    "gelu": (torch.nn.functional.gelu, {"approximate": "none"}),
}


@app.get("/health/live")
def live():
    return {"status": "ok"}


@app.post("/activations/{name}")
async def forward(name: str, request: Request):
    fn, params = FUNCTIONS[name]
    body = await request.json()
    x = torch.tensor(body["x"], dtype=torch.float64)
    y = fn(x, **params) if params else fn(x)
    return JSONResponse({"name": name, "shape": list(y.shape), "y": y.tolist(), "params": params})


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", workers=1)
