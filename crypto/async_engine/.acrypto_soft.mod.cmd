cmd_/work/main/crypto/async_engine/acrypto_soft.mod := printf '%s\n'   soft.o | awk '!x[$$0]++ { print("/work/main/crypto/async_engine/"$$0) }' > /work/main/crypto/async_engine/acrypto_soft.mod
