{
  "targets": [
    {
      "target_name": "kerno",
      "sources": [
        "native/addon.cc",
        "native/cpu.cc",
        "native/threadpool.cc",
        "native/gemm.cc",
        "native/gemm_bf16.cc",
        "native/gemm_amx.cc",
        "native/autotune.cc",
        "native/conv.cc",
        "native/patches.cc",
        "native/conv_indirect.cc",
        "native/conv_pool.cc",
        "native/pool.cc",
        "native/pool_argmax.cc",
        "native/elementwise.cc",
        "native/softmax.cc",
        "native/optim.cc",
        "native/rnn.cc",
        "native/image.cc",
        "native/depthwise.cc",
        "native/winograd.cc",
        "native/vmath.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions", "-O2", "-O0"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-O2", "-O0"],
      "cflags_cc": ["-std=c++17", "-O3", "-ffp-contract=fast", "-fno-math-errno", "-fno-trapping-math", "-Wall", "-Wno-unused-function"],
      "xcode_settings": {
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "GCC_OPTIMIZATION_LEVEL": "3",
        "OTHER_CPLUSPLUSFLAGS": ["-ffp-contract=fast", "-fno-math-errno", "-fno-trapping-math"]
      },
      "msvs_settings": { "VCCLCompilerTool": { "Optimization": 2, "AdditionalOptions": ["/std:c++17"] } },
      "conditions": [
        ["OS=='linux'", { "libraries": ["-lpthread"] }]
      ]
    }
  ],
  "conditions": [
    [
      "<!(node scripts/mpi-flags.mjs has)==1",
      {
        "targets": [
          {
            "target_name": "kerno_mpi",
            "sources": ["native/mpi/distributed.cc"],
            "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
            "defines": ["OMPI_SKIP_MPICXX=1", "MPICH_SKIP_MPICXX=1", "NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NAPI_DISABLE_CPP_EXCEPTIONS"],
            "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
            "cflags_cc": ["-std=c++17", "-O2", "-Wall", "<!@(node scripts/mpi-flags.mjs cflags)"],
            "libraries": ["<!@(node scripts/mpi-flags.mjs libs)", "-ldl"]
          }
        ]
      }
    ]
  ]
}
