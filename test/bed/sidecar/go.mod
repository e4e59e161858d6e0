module nau-bed/sidecar

go 1.19
