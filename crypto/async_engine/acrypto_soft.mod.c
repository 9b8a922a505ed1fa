#include <linux/module.h>
#define INCLUDE_VERMAGIC
#include <linux/build-salt.h>
#include <linux/elfnote-lto.h>
#include <linux/export-internal.h>
#include <linux/vermagic.h>
#include <linux/compiler.h>

BUILD_SALT;
BUILD_LTO_INFO;

MODULE_INFO(vermagic, VERMAGIC_STRING);
MODULE_INFO(name, KBUILD_MODNAME);

__visible struct module __this_module
__section(".gnu.linkonce.this_module") = {
	.name = KBUILD_MODNAME,
	.init = init_module,
#ifdef CONFIG_MODULE_UNLOAD
	.exit = cleanup_module,
#endif
	.arch = MODULE_ARCH_INIT,
};

#ifdef CONFIG_RETPOLINE
MODULE_INFO(retpoline, "Y");
#endif


static const struct modversion_info ____versions[]
__used __section("__versions") = {
	{ 0xb91b6431, "crypto_skcipher_encrypt" },
	{ 0x91c14d8d, "param_ops_uint" },
	{ 0xc5b6f236, "queue_work_on" },
	{ 0x73dd54eb, "irq_fpu_usable" },
	{ 0x48d88a2c, "__SCT__preempt_schedule" },
	{ 0x53569707, "this_cpu_off" },
	{ 0xcd91b127, "system_highpri_wq" },
	{ 0x96ea40d7, "crypto_skcipher_setkey" },
	{ 0x72ae88b, "acrypto_device_free" },
	{ 0xb19a5453, "__per_cpu_offset" },
	{ 0xcbd4898c, "fortify_panic" },
	{ 0xbdfb6dbb, "__fentry__" },
	{ 0x816d3f44, "crypto_destroy_tfm" },
	{ 0x92997ed8, "_printk" },
	{ 0xe46021ca, "_raw_spin_unlock_bh" },
	{ 0xdb32601e, "crypto_skcipher_decrypt" },
	{ 0x45739522, "acrypto_device_alloc" },
	{ 0xa916b694, "strnlen" },
	{ 0xddb1cd7, "llist_reverse_order" },
	{ 0x7c294007, "acrypto_device_register" },
	{ 0x3ae8f10d, "acrypto_device_unblock" },
	{ 0x4f3ae5b4, "acrypto_device_unregister" },
	{ 0x53a1e8d9, "_find_next_bit" },
	{ 0x3c3fce39, "__local_bh_enable_ip" },
	{ 0x9e683f75, "__cpu_possible_mask" },
	{ 0x5b8239ca, "__x86_return_thunk" },
	{ 0x17de3d5, "nr_cpu_ids" },
	{ 0xc9ec4e21, "free_percpu" },
	{ 0xdd64e639, "strscpy" },
	{ 0x7a2af7b4, "cpu_number" },
	{ 0x4629334c, "__preempt_count" },
	{ 0x949f7342, "__alloc_percpu" },
	{ 0xc3690fc, "_raw_spin_lock_bh" },
	{ 0xc07351b3, "__SCT__cond_resched" },
	{ 0x1c1359f6, "acrypto_session_complete" },
	{ 0xc7a1840e, "llist_add_batch" },
	{ 0x2f2c95c4, "flush_work" },
	{ 0x25ff9aaa, "crypto_alloc_skcipher" },
	{ 0x9060323f, "module_layout" },
};

MODULE_INFO(depends, "acrypto");

