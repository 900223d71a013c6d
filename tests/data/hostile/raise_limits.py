# expected: 10/10 status=graded base=solution where=import flags=guard: your code changed the worker's resource limits
# why: lifting the memory limit is refused
import resource

try:
    resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
except (PermissionError, ValueError):
    pass
