cmd_/work/main/crypto/async_engine/acrypto.o := ld -m elf_x86_64 -z noexecstack --no-warn-rwx-segments   -r -o /work/main/crypto/async_engine/acrypto.o @/work/main/crypto/async_engine/acrypto.mod 
