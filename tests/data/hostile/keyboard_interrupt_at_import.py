# expected: 0/10 status=crashed base=solution where=import
# why: Ctrl-C raised by the module stops only its own import
raise KeyboardInterrupt
