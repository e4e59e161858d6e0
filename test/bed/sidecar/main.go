// Stands in for the postgres and redis services of New API's official compose file: the bed's compose
// fixture needs depends_on services that run and stop like real ones, not a database.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	name := "sidecar"
	if len(os.Args) > 1 {
		name = os.Args[1]
	}
	fmt.Printf("%s (bed stub) ready to accept connections\n", name)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	sig := <-stop
	fmt.Printf("%s (bed stub) received %v, shutting down\n", name, sig)
}
