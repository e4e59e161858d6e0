package fault

import (
	"fmt"
	"time"

	"github.com/QuantumNous/new-api/common"
	"github.com/QuantumNous/new-api/model"
)

// AfterBoot starts what a fault does once the server is serving.
func AfterBoot(f Fault, t Timings, db *model.DB) {
	switch f {
	case ChannelsOff:
		time.AfterFunc(t.ChannelsOffAfter, func() { disableChannels(db) })
	case LogErrors:
		time.AfterFunc(t.LogErrorsAfter, func() { logErrors(db) })
	case CrashLater:
		time.AfterFunc(t.CrashLaterAfter, func() {
			// An unrecovered panic: Go prints "panic: ..." and a stack to stderr and exits 2.
			panic(fmt.Sprintf("runtime error: invalid memory address or nil pointer dereference (crashlater fault after %v)", t.CrashLaterAfter))
		})
	}
}

// disableChannels is what upstream does to channels whose upstream keeps failing.
func disableChannels(db *model.DB) {
	disabled, err := db.AutoDisableEnabled()
	if err != nil {
		common.SysError("failed to disable channels: " + err.Error())
	}
	now := time.Now().Unix()
	for _, c := range disabled {
		reason := "status code 401: invalid upstream API key"
		common.SysLog(fmt.Sprintf("通道「%s」（#%d）已被禁用，原因：%s", c.Name, c.ID, reason))
		addErrorLog(db, model.Log{CreatedAt: now, Type: model.LogTypeError, ChannelID: c.ID,
			Content: fmt.Sprintf("channel #%d (%s) failed and was disabled: %s", c.ID, c.Name, reason)})
	}
}

func logErrors(db *model.DB) {
	common.WriteErr(common.FatalLine("failed to sync options: database is locked"))
	common.WriteErr("panic: runtime error: invalid memory address or nil pointer dereference [recovered]\n")
	addErrorLog(db, model.Log{CreatedAt: time.Now().Unix(), Type: model.LogTypeError,
		Content: "panic: runtime error: invalid memory address or nil pointer dereference"})
}

func addErrorLog(db *model.DB, l model.Log) {
	if err := db.AddLog(l); err != nil {
		common.SysError("failed to record error log: " + err.Error())
	}
}
