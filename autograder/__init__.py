"""The FastAPI Advanced workbook: course manifest, checks and autograder."""

import warnings

# Starlette >= 1.2 asks TestClient users to move from httpx to httpx2. The course and
# its suites use httpx on purpose (it is what students meet); the notice is noise here.
warnings.filterwarnings("ignore", message=r".*install `httpx2` instead")
