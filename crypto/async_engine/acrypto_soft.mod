/work/main/crypto/async_engine/soft.o
