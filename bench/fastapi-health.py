"""GET /health as the original's worker serves it: FastAPI + uvicorn, one worker, same JSON shape.

Started by bench/http-health.ts with the port to listen on (127.0.0.1). The access log is off and
the route is async (no thread pool): the most favourable setup for this side of the comparison.
"""
import sys

import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
async def health():
    return {"status": "healthy", "task_running": True, "queued_tasks": 0}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), workers=1, log_level="warning", access_log=False)
